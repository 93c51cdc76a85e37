#!/usr/bin/env python3
"""What a file's growth adds to an fdatasync on this disk.

Writes CHUNK bytes at the next offset of a file and fdatasyncs, N times, once into a file that
grows with each write (its new size goes to the file system's journal with the sync) and once
into a file zero-filled beforehand (the same blocks, overwritten). LMDB grows its data file when
its free list is short, so this says what that growth costs a commit.

    bench/fdatasync-growth.py [--syncs 400] [--chunk 16384] [--rounds 2] [--dir /tmp]
"""
import argparse
import os
import statistics
import tempfile
import time


def run(path, grow, syncs, chunk):
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        if not grow:
            zeros = b"\0" * (1 << 20)
            for _ in range((syncs * chunk >> 20) + 2):
                os.write(fd, zeros)
            os.fdatasync(fd)
        data = os.urandom(chunk)
        millis = []
        for i in range(syncs):
            os.pwrite(fd, data, i * chunk)
            t = time.perf_counter()
            os.fdatasync(fd)
            millis.append((time.perf_counter() - t) * 1000)
    finally:
        os.close(fd)
        os.unlink(path)
    millis.sort()
    return statistics.median(millis), millis[int(len(millis) * 0.9)]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--syncs", type=int, default=400)
    p.add_argument("--chunk", type=int, default=16384)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--dir", default=tempfile.gettempdir())
    a = p.parse_args()
    if a.syncs < 1 or a.chunk < 1 or a.rounds < 1:
        p.error("--syncs, --chunk and --rounds must be positive")
    path = os.path.join(a.dir, "fdatasync-growth-%d.dat" % os.getpid())
    for _ in range(a.rounds):
        for grow in (True, False):
            p50, p90 = run(path, grow, a.syncs, a.chunk)
            what = "append (file grows)    " if grow else "overwrite (zero-filled)"
            print("%s fdatasync p50 %.3f ms, p90 %.3f ms" % (what, p50, p90))


if __name__ == "__main__":
    main()
