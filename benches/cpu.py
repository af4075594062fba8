#!/usr/bin/env python3
"""Runs a command and every process it leaves behind to the end, and says what they cost.

    benches/cpu.py RUNS PREPARE -- COMMAND...

kz stores its snapshot in a detached child once the answer is out, so the time and memory of
the process a user waits for are not the whole cost. This runs COMMAND as a child subreaper
(prctl PR_SET_CHILD_SUBREAPER), so the detached store is reparented here and waited for too.
Before each of RUNS runs, the shell command PREPARE runs (emptying a cache, editing a file).
Prints one JSON object: the medians of the wall time until COMMAND exited ("answer"), until
every process it left exited ("all"), the CPU (user + system) of them all, and the largest
peak resident size of any of them in KiB.
"""
import ctypes
import json
import os
import resource
import statistics
import subprocess
import sys
import time

PR_SET_CHILD_SUBREAPER = 36


def one(command):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    proc.wait()
    answer = time.monotonic() - start
    while True:
        try:
            os.wait()
        except ChildProcessError:
            break
    total = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return answer, total, cpu


def peak(command):
    """The largest peak resident size of the command and its descendants, in a fresh process
    (RUSAGE_CHILDREN's ru_maxrss only ever grows)."""
    code = ("import ctypes,os,resource,subprocess,sys\n"
            "ctypes.CDLL(None).prctl(36,1,0,0,0)\n"
            "subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL)\n"
            "while True:\n"
            "    try: os.wait()\n"
            "    except ChildProcessError: break\n"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    out = subprocess.run([sys.executable, "-c", code, *command], capture_output=True, text=True)
    return int(out.stdout.strip())


def main():
    args = sys.argv[1:]
    runs, prepare = int(args[0]), args[1]
    command = args[args.index("--") + 1:]
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        sys.exit("cpu.py: cannot become a child subreaper")
    answers, totals, cpus = [], [], []
    for _ in range(runs):
        subprocess.run(prepare, shell=True, check=True)
        a, t, c = one(command)
        answers.append(a)
        totals.append(t)
        cpus.append(c)
    subprocess.run(prepare, shell=True, check=True)
    print(json.dumps({
        "answer": statistics.median(answers),
        "all": statistics.median(totals),
        "cpu": statistics.median(cpus),
        "peak_kib": peak(command),
    }))


if __name__ == "__main__":
    main()
