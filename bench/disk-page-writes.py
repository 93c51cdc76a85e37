#!/usr/bin/env python3
"""What an LMDB-style commit costs on this disk, without LMDB.

Each writer process owns a 256 MiB file and repeats a commit: N pwrites of one 4 KiB page at
random page offsets, fdatasync, one 4 KiB write at offset 0 (the meta page), fdatasync. LMDB
commits the same way (dirty B-tree pages, sync, meta page, sync), so this bounds how many pages
per second the store of every node on this disk can make durable.

    bench/disk-page-writes.py --pages 60 --commits 150 --writers 3 [--dir /tmp]
"""
import argparse
import multiprocessing
import os
import random
import tempfile
import time

FILE_BYTES = 256 << 20
PAGE = 4096


def writer(path, pages, commits, out):
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        chunk = b"\1" * (1 << 20)
        for off in range(0, FILE_BYTES, len(chunk)):
            os.pwrite(fd, chunk, off)
        os.fsync(fd)
        page = os.urandom(PAGE)
        times = []
        for _ in range(commits):
            start = time.perf_counter()
            for _ in range(pages):
                os.pwrite(fd, page, random.randrange(1, FILE_BYTES // PAGE) * PAGE)
            os.fdatasync(fd)
            os.pwrite(fd, page, 0)
            os.fdatasync(fd)
            times.append(time.perf_counter() - start)
        out.put(times)
    finally:
        os.close(fd)
        os.unlink(path)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pages", type=int, default=60, help="random 4 KiB pages per commit (default 60)")
    p.add_argument("--commits", type=int, default=150, help="commits per writer (default 150)")
    p.add_argument("--writers", type=int, default=1, help="writer processes at once, one file each (default 1)")
    p.add_argument("--dir", default=tempfile.gettempdir(), help="where the files go (default the temp dir)")
    a = p.parse_args()
    if a.pages < 0 or a.commits < 1 or a.writers < 1 or a.writers > 16:
        p.error("need --pages >= 0, --commits >= 1 and 1 <= --writers <= 16")
    out = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=writer, args=(os.path.join(a.dir, f"disk-page-writes-{os.getpid()}-{i}.bin"),
                                                          a.pages, a.commits, out)) for i in range(a.writers)]
    for proc in procs:
        proc.start()
    results = [out.get() for _ in procs]
    for proc in procs:
        proc.join()
    everything = sorted(t for times in results for t in times)
    pages_per_s = sum(a.pages * len(times) / sum(times) for times in results)
    print(f"{a.writers} writer(s), {a.pages} random pages + 2 syncs per commit: commit p50 "
          f"{everything[len(everything) // 2] * 1e3:.2f} ms, p90 {everything[int(len(everything) * 0.9)] * 1e3:.2f} ms; "
          f"{pages_per_s:,.0f} pages/s made durable in all ({pages_per_s * PAGE / 1e6:.0f} MB/s)")


if __name__ == "__main__":
    main()
