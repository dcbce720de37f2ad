"""Skeleton scans in numba: crossing-number minutiae and ridge tracing from each minutia.

Crossing number (Rutovitz 1966; Arcelli and Baja 1984): half the number of 0/1 transitions
around a skeleton pixel's eight neighbours — 1 at a ridge ending, 3 at a bifurcation.

Tracing follows the skeleton from a minutia along each of its branches (one for an ending,
three for a bifurcation), up to a length, and reports the point reached at the direction
distance and which other minutia (if any) the path runs into: the raw material of the
direction estimate and of the false-minutia tests (Xiao and Raafat 1991; Ratha, Chen and
Jain 1995; Maio and Maltoni 1997).
"""

from __future__ import annotations

import numpy as np
from numba import njit

# neighbour offsets counter-clockwise from east (dy, dx): E, NE, N, NW, W, SW, S, SE
_DY = np.array([0, -1, -1, -1, 0, 1, 1, 1], dtype=np.int64)
_DX = np.array([1, 1, 0, -1, -1, -1, 0, 1], dtype=np.int64)


def find_candidates(skeleton: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, cols, crossing numbers) of skeleton pixels with crossing number 1 or ≥ 3."""
    padded = np.zeros((skeleton.shape[0] + 2, skeleton.shape[1] + 2), dtype=np.uint8)
    padded[1:-1, 1:-1] = skeleton
    ys, xs, cn = _crossing_numbers(padded, _DY, _DX)
    return ys - 1, xs - 1, cn


@njit(cache=True)
def _crossing_numbers(img, dy, dx):  # pragma: no cover - numba
    h, w = img.shape
    cap = 4096
    ys = np.empty(cap, dtype=np.int64)
    xs = np.empty(cap, dtype=np.int64)
    cn = np.empty(cap, dtype=np.int64)
    n = 0
    for y in range(1, h - 1):
        for x in range(1, w - 1):
            if not img[y, x]:
                continue
            t = 0
            for k in range(8):
                a = img[y + dy[k], x + dx[k]]
                b = img[y + dy[(k + 1) % 8], x + dx[(k + 1) % 8]]
                if a != b:
                    t += 1
            c = t // 2
            if c == 1 or c >= 3:
                if n == cap:
                    cap *= 2
                    ys2 = np.empty(cap, dtype=np.int64)
                    xs2 = np.empty(cap, dtype=np.int64)
                    cn2 = np.empty(cap, dtype=np.int64)
                    ys2[:n] = ys[:n]
                    xs2[:n] = xs[:n]
                    cn2[:n] = cn[:n]
                    ys, xs, cn = ys2, xs2, cn2
                ys[n] = y
                xs[n] = x
                cn[n] = c
                n += 1
    return ys[:n], xs[:n], cn[:n]


def trace_branches(
    skeleton: np.ndarray,
    ys: np.ndarray,
    xs: np.ndarray,
    is_bifurcation: np.ndarray,
    max_length: int,
    direction_length: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Trace up to three branches per minutia.

    Returns arrays of shape (n, 3): the id of the minutia each branch runs into (−1 for none,
    −2 for an unused branch), the path length to it (or travelled), and the row/col of the point
    reached after ``direction_length`` steps (or the last point of a shorter branch).
    """
    h, w = skeleton.shape
    padded = np.zeros((h + 2, w + 2), dtype=np.uint8)
    padded[1:-1, 1:-1] = skeleton
    return _trace(
        padded,
        ys.astype(np.int64) + 1,
        xs.astype(np.int64) + 1,
        is_bifurcation.astype(np.bool_),
        max_length,
        direction_length,
        _DY,
        _DX,
    )


@njit(cache=True)
def _trace(img, ys, xs, is_bif, max_length, direction_length, dy, dx):  # pragma: no cover
    h, w = img.shape
    n = ys.size
    owner = np.full((h, w), -1, dtype=np.int64)
    for i in range(n):
        if is_bif[i]:
            for k in range(8):
                yy = ys[i] + dy[k]
                xx = xs[i] + dx[k]
                if owner[yy, xx] == -1:
                    owner[yy, xx] = i
        owner[ys[i], xs[i]] = i
    visited = np.zeros((h, w), dtype=np.int64)
    stamp = 0
    hit = np.full((n, 3), -2, dtype=np.int64)
    length = np.zeros((n, 3), dtype=np.float64)
    point_y = np.zeros((n, 3), dtype=np.float64)
    point_x = np.zeros((n, 3), dtype=np.float64)
    starts_y = np.empty(8, dtype=np.int64)
    starts_x = np.empty(8, dtype=np.int64)
    for i in range(n):
        y0 = ys[i]
        x0 = xs[i]
        # branch starts: one neighbour per run of set neighbours (prefer the 4-neighbour)
        nstarts = 0
        first_zero = -1
        for k in range(8):
            if not img[y0 + dy[k], x0 + dx[k]]:
                first_zero = k
                break
        if first_zero < 0:
            continue
        k = 0
        while k < 8:
            idx = (first_zero + k) % 8
            if img[y0 + dy[idx], x0 + dx[idx]]:
                best = idx
                run = 0
                while k < 8 and img[y0 + dy[(first_zero + k) % 8], x0 + dx[(first_zero + k) % 8]]:
                    j = (first_zero + k) % 8
                    if j % 2 == 0 and best % 2 == 1:
                        best = j
                    run += 1
                    k += 1
                if nstarts < 8:
                    starts_y[nstarts] = y0 + dy[best]
                    starts_x[nstarts] = x0 + dx[best]
                    nstarts += 1
            else:
                k += 1
        for b in range(min(nstarts, 3)):
            stamp += 1
            visited[y0, x0] = stamp
            for k2 in range(8):
                if img[y0 + dy[k2], x0 + dx[k2]]:
                    visited[y0 + dy[k2], x0 + dx[k2]] = stamp
            cy = starts_y[b]
            cx = starts_x[b]
            travelled = np.hypot(cy - y0, cx - x0)
            steps = 1
            found = -1
            py = float(cy)
            px = float(cx)
            while True:
                o = owner[cy, cx]
                if o != -1 and o != i:
                    found = o
                    break
                if steps == direction_length:
                    py = float(cy)
                    px = float(cx)
                if steps >= max_length:
                    break
                # next: an unvisited neighbour, 4-neighbours first
                ny = -1
                nx = -1
                for pref in range(2):
                    for k2 in range(pref, 8, 2):
                        yy = cy + dy[k2]
                        xx = cx + dx[k2]
                        if img[yy, xx] and visited[yy, xx] != stamp:
                            ny = yy
                            nx = xx
                            break
                    if ny >= 0:
                        break
                # mark all neighbours of the current pixel visited: no turning back
                for k2 in range(8):
                    yy = cy + dy[k2]
                    xx = cx + dx[k2]
                    if img[yy, xx]:
                        visited[yy, xx] = stamp
                if ny < 0:
                    break
                travelled += np.hypot(ny - cy, nx - cx)
                cy = ny
                cx = nx
                steps += 1
            if steps < direction_length:
                py = float(cy)
                px = float(cx)
            hit[i, b] = found
            length[i, b] = travelled
            point_y[i, b] = py - 1.0
            point_x[i, b] = px - 1.0
    return hit, length, point_y, point_x
