#!/usr/bin/env python3
"""Times commands for scripts/bench.sh with as little overhead of its own as it can.

    timeit.py ROUNDS WORKDIR NAME...

For each round, runs every case NAME in turn (the command is read from
WORKDIR/runs/NAME/command, one argument per line), output to /dev/null, and appends
the wall time in microseconds to WORKDIR/runs/NAME/times_us. Each process is started
with posix_spawn (vfork + exec) and reaped with waitpid, so what is timed is the
process itself, not a shell's fork of itself.
"""
import os
import sys
import time


def main():
    rounds, workdir, names = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    commands = {}
    for name in names:
        with open(os.path.join(workdir, "runs", name, "command")) as f:
            commands[name] = f.read().rstrip("\n").split("\n")
    quiet = [
        (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
    ]
    for round_no in range(1, rounds + 1):
        print("==> timed round %d/%d" % (round_no, rounds), file=sys.stderr, flush=True)
        for name in names:
            argv = commands[name]
            t0 = time.perf_counter_ns()
            pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=quiet)
            os.waitpid(pid, 0)
            t1 = time.perf_counter_ns()
            with open(os.path.join(workdir, "runs", name, "times_us"), "a") as f:
                f.write("%d\n" % ((t1 - t0) // 1000))


if __name__ == "__main__":
    main()
