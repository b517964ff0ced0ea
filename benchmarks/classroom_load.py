"""Load and faults of the classroom board: a room of simulated students, then a killed server.

    .venv/bin/python benchmarks/classroom_load.py [--students 200] [--epochs 30]
        [--processes 1] [--quick] [--no-fault] [--json artifacts/benchmarks/classroom_load.json]

On loopback, the board runs as ``python -m neurona.classroom serve --json`` in a subprocess on a
temporary database. The students are :class:`neurona.classroom.client.Student` objects, each with
its own :class:`nr.Ledger`, living as threads in ``--processes`` worker processes (one process
by default: its CPU time is reported, so whether its GIL limits the load can be read off the
table). They all join, then start ONE run each at the same moment; a trainer thread appends an
epoch to every run every 0.1-0.3 s (as a training would) and each Student's own sender thread
sends what the board has not acknowledged. Meanwhile a board reader polls
``/api/board?metric=`` with the instructor key every second, as the projector page does.

Reported for the class: the requests per second the server answered (mean over the class and
the busiest second), the latency of ``POST /api/runs`` (median, p95; measured in the client,
so it includes the client's own waiting for its GIL), the board's refresh time (median, p95)
and size, the server's CPU seconds, and whether every epoch arrived exactly once (the class's
``/api/export.csv`` read back with ``nr.Ledger.read_csv``: students x epochs, every value the
student's own).

Then the fault run: the same class on a new database; once 40% of the epochs are
acknowledged the server is killed with SIGKILL and started again on the same database and port
two seconds later. Reported: epochs acknowledged before the kill and found after the restart,
epochs posted (resends included) against epochs stored, duplicates and lost epochs (both must
be 0), and the time from the restart until every epoch trained before it was acknowledged.

Measured on a shared 2-core AMD EPYC (4 Dec 2026), 200 x 30: about 370 requests/s answered
(the students' own pace: each looks at its ledger every 0.5 s), post latency 2-5 ms median,
13-83 ms p95, board refresh 45 ms median (450 KB, 114 KB gzipped), 2-2.5 CPU seconds of the
server; every epoch once, in both runs; recovery 1.4 s after the restart (the clients' back-off).
With ``--interval 0.1``: about 840 requests/s, 1,000 in the busiest second. One client process
is not limited by its GIL here (1.6-3.2 CPU s in a 7 s class); four processes on two cores only
added latency.
"""

from __future__ import annotations

import argparse
import gzip
import heapq
import json
import multiprocessing
import os
import queue
import random
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import neurona

HERE = Path(__file__).resolve().parent
DEFAULT_JSON = HERE.parent / "artifacts" / "benchmarks" / "classroom_load.json"


# -- the server in a subprocess -----------------------------------------------------------------
def free_port() -> int:
    """Return a loopback port that is free now (the server is restarted on the same one)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """``python -m neurona.classroom serve --json`` as a subprocess; its CPU time is sampled."""

    def __init__(self, db: Path, port: int, log: Path):
        self.db, self.port, self.log = db, port, log
        self.process: subprocess.Popen | None = None
        self.info: dict = {}
        self.cpu_done = 0.0     # CPU seconds of the processes already gone
        self._cpu_last = 0.0    # last reading of the running one
        self.starts = 0

    def start(self, timeout: float = 30.0) -> dict:
        """Start the server and return its JSON line (url, code, key, db)."""
        env = dict(os.environ)
        src = str(Path(neurona.__file__).resolve().parents[1])
        env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
        command = [sys.executable, "-m", "neurona.classroom", "serve", "--json",
                   "--host", "127.0.0.1", "--port", str(self.port), "--db", str(self.db),
                   "--title", "load test"]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log,
                                            env=env)
        line = _read_line(self.process, timeout)
        if not line:
            raise RuntimeError(f"the server did not start: see {self.log}")
        self.info = json.loads(line)
        self.starts += 1
        self._cpu_last = 0.0
        return self.info

    def sample_cpu(self) -> float:
        """CPU seconds (user + system) of every server process so far."""
        try:
            import psutil

            times = psutil.Process(self.process.pid).cpu_times()
            self._cpu_last = times.user + times.system
        except Exception:   # gone, or psutil missing: keep the last reading
            pass
        return self.cpu_done + self._cpu_last

    def kill9(self) -> None:
        """SIGKILL the server (no shutdown of any kind)."""
        self.sample_cpu()
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.cpu_done += self._cpu_last

    def stop(self) -> None:
        """SIGTERM the server and wait for it."""
        if self.process is None or self.process.poll() is not None:
            return
        self.sample_cpu()
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.cpu_done += self._cpu_last


def _read_line(process: subprocess.Popen, timeout: float) -> str:
    box: list[str] = []
    reader = threading.Thread(target=lambda: box.append(process.stdout.readline().decode()),
                              daemon=True)
    reader.start()
    reader.join(timeout)
    return box[0].strip() if box else ""


def http(url: str, key: str, *, gzip_ok: bool = False, timeout: float = 30.0):
    """GET with the instructor key; return (status, body bytes, wire bytes)."""
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"})
    if gzip_ok:
        request.add_header("Accept-Encoding", "gzip")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            wire = answer.read()
            body = (gzip.decompress(wire) if answer.headers.get("Content-Encoding") == "gzip"
                    else wire)
            return answer.status, body, len(wire)
    except urllib.error.HTTPError as error:
        data = error.read()
        return error.code, data, len(data)


# -- the students (in worker processes) ---------------------------------------------------------
def expected_loss(student: int, epoch: int) -> float:
    """The loss student ``student`` reports at ``epoch`` (1-based): checked in the export."""
    return round(1.0 / epoch + student * 1e-4, 9)


def nickname(student: int) -> str:
    """The nickname of simulated student ``student``."""
    return f"s{student:03d}"


def students_worker(index: int, first: int, count: int, options: dict, shared: dict,
                    out) -> None:
    """Run ``count`` students (threads) in this process and report what they saw."""
    from neurona.classroom import client
    from neurona.classroom.client import Student
    from neurona.runs import Ledger, RunRecord

    calls: list[tuple[str, float, float, bool, int]] = []   # path, start, seconds, ok, epochs
    plain_request = client._request

    def timed(base, path, *, body=None, **kwargs):
        start = time.time()
        epochs = len(body.get("epochs", ())) if isinstance(body, dict) else 0
        try:
            answer = plain_request(base, path, body=body, **kwargs)
        except BaseException:
            calls.append((path, start, time.time() - start, False, epochs))
            raise
        calls.append((path, start, time.time() - start, True, epochs))
        return answer

    client._request = timed   # only in this benchmark's worker: counts and times every call
    crashes: list[str] = []
    threading.excepthook = lambda hook: crashes.append(
        f"{hook.thread.name if hook.thread else '?'}: {hook.exc_type.__name__}: {hook.exc_value}")

    url, code = options["url"], options["code"]
    students, runs = [], []
    for number in range(first, first + count):
        ledger = Ledger()
        students.append(Student(url, code, nickname(number), ledger=ledger,
                                hardware=f"CPU: simulated {number}",
                                interval=options["interval"]).start())
    out.put(("ready", index))
    shared["go"].wait()
    rng = random.Random(options["seed"] + index)
    began = time.time()
    for number, student in zip(range(first, first + count), students, strict=True):
        runs.append(student.ledger.add(RunRecord(
            "run", hparams={"learning_rate": 0.01, "model": "MLP 50-1600-1", "student": number},
            samples_per_epoch=1000, device="CPU: simulated", backend="numpy")))

    def train() -> None:
        due = [(began + rng.uniform(0.1, 0.3), i) for i in range(count)]
        heapq.heapify(due)
        last = {i: began for i in range(count)}
        while due:
            when, i = heapq.heappop(due)
            time.sleep(max(when - time.time(), 0))
            now = time.time()
            run = runs[i]
            epoch = len(run.epoch_seconds) + 1
            run.add_epoch({"loss": expected_loss(first + i, epoch),
                           "val_accuracy": 1.0 - expected_loss(first + i, epoch) / 2},
                          now - last[i])
            last[i] = now
            if epoch < options["epochs"]:
                heapq.heappush(due, (now + rng.uniform(0.1, 0.3), i))
            else:
                run.finish("finished")

    trainer = threading.Thread(target=train, name="trainer", daemon=True)
    trainer.start()

    def acked() -> list[int]:
        return [s.stats["epochs_acked"] for s in students]

    def watch() -> None:
        killed_seen = restarted_seen = False
        target = None
        while True:
            shared["acked"][index] = sum(acked())
            shared["produced"][index] = sum(len(r.epoch_seconds) for r in runs)
            if not killed_seen and shared["killed"].is_set():
                killed_seen = True
                out.put(("acked_at_kill", index, {s.name: s.stats["epochs_acked"]
                                                  for s in students}))
            if not restarted_seen and shared["restarted"].is_set():
                restarted_seen = True
                target = [len(r.epoch_seconds) for r in runs]
                # stats count what this process saw acknowledged; the epochs trained before
                # the restart are recovered once every one of them is acknowledged
            if target is not None and all(a >= t for a, t in zip(acked(), target, strict=True)):
                out.put(("recovered", index, time.time()))
                target = None
            if shared["stop_watch"].is_set():
                return
            time.sleep(0.02)

    watcher = threading.Thread(target=watch, name="watcher", daemon=True)
    watcher.start()
    trainer.join()
    trained = time.time()
    flushed = [s.flush(options["flush_timeout"]) for s in students]
    done = time.time()
    alive = sum(bool(s._thread and s._thread.is_alive()) for s in students)
    for student in students:
        student.stop()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    out.put(("done", index, {
        "trained_at": trained, "flushed_at": done, "flushed": sum(flushed),
        "senders_alive": alive, "crashes": crashes,
        "stats": {k: sum(s.stats[k] for s in students) for k in ("posts", "failures",
                                                                 "epochs_acked")},
        "calls": calls, "cpu_s": usage.ru_utime + usage.ru_stime,
        "last_errors": sorted({s.last_error[:160] for s in students if s.last_error})[:5]}))
    shared["stop_watch"].wait(600)   # the watcher may still have to report the recovery


# -- one class ----------------------------------------------------------------------------------
def percentile(values: list[float], q: float) -> float | None:
    """The ``q`` quantile (0..1) of ``values``, or None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def run_class(args, *, fault: bool, workdir: Path) -> dict:
    """Run one class (with a killed server when ``fault``) and return its measurements."""
    kind = "fault" if fault else "load"
    db = workdir / f"{kind}.sqlite"
    server = Server(db, free_port(), workdir / f"{kind}-server.log")
    info = server.start()
    url, key = info["url"], info["key"]
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    shared = {"go": context.Event(), "killed": context.Event(), "restarted": context.Event(),
              "stop_watch": context.Event(),
              "acked": context.Array("l", args.processes), "produced": context.Array(
                  "l", args.processes)}
    out = context.Queue()
    options = {"url": url, "code": info["code"], "epochs": args.epochs, "seed": args.seed,
               "interval": args.interval, "flush_timeout": args.flush_timeout}
    sizes = [args.students // args.processes + (i < args.students % args.processes)
             for i in range(args.processes)]
    starts = [sum(sizes[:i]) for i in range(args.processes)]
    workers = [context.Process(target=students_worker, daemon=True,
                               args=(i, starts[i], sizes[i], options, shared, out))
               for i in range(args.processes)]
    joining = time.time()
    for worker in workers:
        worker.start()
    messages: list[tuple] = []

    def wait_for(kind: str, n: int, timeout: float) -> list[tuple]:
        deadline = time.time() + timeout
        while sum(m[0] == kind for m in messages) < n:
            try:
                messages.append(out.get(timeout=max(deadline - time.time(), 0.01)))
            except queue.Empty:
                if time.time() > deadline:
                    raise TimeoutError(f"waiting for {n} {kind!r} messages") from None
        return [m for m in messages if m[0] == kind]

    wait_for("ready", args.processes, 120)
    joined_s = time.time() - joining
    cpu_at_go = server.sample_cpu()

    board = {"times": [], "sizes": [], "wire": [], "statuses": {}, "path": "api/board?metric="}
    reading = threading.Event()

    def read_board() -> None:
        while not reading.is_set():
            start = time.time()
            try:
                status, body, wire = http(f"{url}/{board['path']}", key, gzip_ok=True)
            except OSError:
                status, body, wire = "unreachable", b"", 0
            seconds = time.time() - start
            board["statuses"][str(status)] = board["statuses"].get(str(status), 0) + 1
            if status == 200:
                board["times"].append(seconds)
                board["sizes"].append(len(body))
                board["wire"].append(wire)
            elif status == 500 and board["path"].endswith("metric="):
                # the summary is not computed (the panel's summary module missing?): poll the
                # plain board from here on, and say so
                board["summary_error"] = body.decode("utf-8", "replace")[:200]
                board["path"] = "api/board"
            reading.wait(max(args.board_every - seconds, 0.05))

    total = args.students * args.epochs
    go = time.time()
    shared["go"].set()
    reader = threading.Thread(target=read_board, daemon=True)
    reader.start()
    fault_info: dict = {}
    if fault:
        while sum(shared["acked"]) < args.kill_at * total:
            time.sleep(0.01)
            if not any(w.is_alive() for w in workers):
                raise RuntimeError("the students stopped before the kill")
        fault_info["acked_before_kill"] = sum(shared["acked"])
        fault_info["produced_before_kill"] = sum(shared["produced"])
        killed = time.time()
        server.kill9()
        shared["killed"].set()
        at_kill = {}
        for message in wait_for("acked_at_kill", args.processes, 30):
            at_kill.update(message[2])
        time.sleep(max(killed + args.down - time.time(), 0))
        server.start()
        restarted = time.time()
        shared["restarted"].set()
        status, body, _wire = http(f"{url}/api/board", key)
        after = json.loads(body)
        names = {s["id"]: s["name"] for s in after["students"]}
        found = {names[r["student"]]: r["epochs"] for r in after["runs"]}
        missing = {name: (n, found.get(name, 0)) for name, n in at_kill.items()
                   if found.get(name, 0) < n}
        fault_info.update({
            "killed_after_s": killed - go, "down_s": restarted - killed,
            "acked_at_kill": sum(at_kill.values()),
            "found_after_restart": sum(min(found.get(n, 0), a) for n, a in at_kill.items()),
            "acked_but_missing_after_restart": sum(a - f for a, f in missing.values()),
            # committed before the kill but never acknowledged: the clients resend these
            "stored_not_acknowledged": sum(max(found.get(n, 0) - a, 0)
                                           for n, a in at_kill.items()),
            "same_code_and_key": server.info["code"] == info["code"]
            and server.info["key"] == info["key"],
        })
        recovered = [m[2] for m in wait_for("recovered", args.processes,
                                            args.flush_timeout + 60)]
        fault_info["recovery_s"] = max(recovered) - restarted

    done = [m[2] for m in wait_for("done", args.processes, args.flush_timeout + 600)]
    finished = max(d["flushed_at"] for d in done)
    shared["stop_watch"].set()
    reading.set()
    reader.join(10)
    for worker in workers:
        worker.join(10)
    cpu = server.sample_cpu() - cpu_at_go

    # every epoch exactly once: the class's CSV, read back as a ledger
    status, body, _wire = http(f"{url}/api/export.csv", key)
    csv_path = workdir / f"{kind}.csv"
    csv_path.write_bytes(body)
    ledger = neurona.Ledger.read_csv(csv_path)
    status, body, _wire = http(f"{url}/api/board", key)
    final = json.loads(body)
    server.stop()
    check = check_export(ledger, final, args.students, args.epochs)

    calls = [c for d in done for c in d["calls"] if c[1] >= go]
    posts = [c for c in calls if c[0] == "api/runs"]
    answered = [c[1] for c in calls if c[3]] + []
    window = max(finished - go, 1e-9)
    per_second: dict[int, int] = {}
    board_calls = len(board["times"])
    for moment in answered:
        per_second[int(moment - go)] = per_second.get(int(moment - go), 0) + 1
    latencies = [c[2] for c in posts if c[3]]
    result = {
        "students": args.students, "epochs": args.epochs, "processes": args.processes,
        "interval_s": args.interval, "join_s": joined_s, "class_s": window,
        "training_s": max(d["trained_at"] for d in done) - go,
        "requests_answered": len(answered) + board_calls,
        "requests_per_s": (len(answered) + board_calls) / window,
        "busiest_second_requests": max(per_second.values(), default=0),
        "posts": len(posts), "posts_failed": sum(not c[3] for c in posts),
        "epochs_posted": sum(c[4] for c in posts),
        "epochs_in_answered_posts": sum(c[4] for c in posts if c[3]),
        "post_latency_median_s": percentile(latencies, 0.5),
        "post_latency_p95_s": percentile(latencies, 0.95),
        "post_latency_max_s": max(latencies, default=None),
        "board_path": "/" + board["path"], "board_reads": board_calls,
        "board_statuses": board["statuses"],
        "board_median_s": percentile(board["times"], 0.5),
        "board_p95_s": percentile(board["times"], 0.95),
        "board_kb": (board["sizes"][-1] / 1024) if board["sizes"] else None,
        "board_kb_gzip": (board["wire"][-1] / 1024) if board["wire"] else None,
        "server_cpu_s": cpu, "clients_cpu_s": [round(d["cpu_s"], 2) for d in done],
        "flushed": sum(d["flushed"] for d in done), "senders_alive_at_end":
            sum(d["senders_alive"] for d in done),
        "client_crashes": [c for d in done for c in d["crashes"]][:10],
        "client_last_errors": sorted({e for d in done for e in d["last_errors"]})[:5],
        **check, **({"fault": fault_info} if fault else {}),
    }
    if "summary_error" in board:
        result["board_summary_error"] = board["summary_error"]
    return result


def check_export(ledger, final: dict, students: int, epochs: int) -> dict:
    """Compare the exported class with what the students trained: exactly once, same values."""
    expected = {f"{nickname(i)} · run": i for i in range(students)}
    stored = lost = wrong = 0
    for record in ledger:
        number = expected.get(record.name)
        if number is None:
            wrong += 1
            continue
        losses = record.history.get("loss", [])
        stored += len(record.epoch_seconds)
        want = [expected_loss(number, e) for e in range(1, epochs + 1)]
        if [round(v, 9) for v in losses] != want:
            wrong += 1
    names = [r.name for r in ledger]
    numbers = [r.get("epoch_numbers", []) for r in final["runs"]]
    duplicates = sum(len(n) - len(set(n)) for n in numbers) + len(names) - len(set(names))
    lost = students * epochs - sum(len(set(n)) for n in numbers)
    return {"runs_exported": len(ledger), "epochs_expected": students * epochs,
            "epochs_stored": stored, "duplicates": duplicates, "lost": lost,
            "runs_with_wrong_values": wrong + students - len(set(names) & set(expected)),
            "every_epoch_once": (stored == students * epochs and duplicates == 0 and lost == 0
                                 and wrong == 0 and len(ledger) == students)}


# -- the table ----------------------------------------------------------------------------------
def ms(value: float | None) -> str:
    """Seconds as milliseconds for the table."""
    return "-" if value is None else f"{value * 1000:.0f} ms"


def table(results: dict) -> str:
    """The results as a two-column text table."""
    load, fault = results["load"], results.get("fault_run")
    rows = [
        ("students x epochs", f"{load['students']} x {load['epochs']} "
                              f"({load['processes']} client process(es), "
                              f"sender every {load['interval_s']} s)"),
        ("class (go -> all flushed)", f"{load['class_s']:.1f} s "
                                      f"(training {load['training_s']:.1f} s)"),
        ("requests answered / s", f"{load['requests_per_s']:.0f} (busiest second "
                                  f"{load['busiest_second_requests']})"),
        ("POST /api/runs", f"{load['posts']} posts, {load['posts_failed']} failed, "
                           f"{load['epochs_posted']} epochs"),
        ("post latency median / p95", f"{ms(load['post_latency_median_s'])} / "
                                      f"{ms(load['post_latency_p95_s'])}"),
        ("board refresh median / p95", f"{ms(load['board_median_s'])} / "
                                       f"{ms(load['board_p95_s'])} ({load['board_path']})"),
        ("board size", f"{load['board_kb'] or 0:.0f} KB ({load['board_kb_gzip'] or 0:.0f} KB "
                       "gzipped)"),
        ("server CPU", f"{load['server_cpu_s']:.1f} s"),
        ("client CPU per process", ", ".join(f"{c:.1f} s" for c in load["clients_cpu_s"])),
        ("every epoch exactly once", f"{load['every_epoch_once']} ({load['epochs_stored']} of "
                                     f"{load['epochs_expected']}, {load['duplicates']} "
                                     f"duplicates, {load['lost']} lost)"),
    ]
    if fault:
        info = fault["fault"]
        rows += [
            ("FAULT: killed (SIGKILL) at", f"{info['killed_after_s']:.1f} s, "
                                           f"{info['acked_at_kill']} epochs acknowledged, "
                                           f"{info['produced_before_kill']} trained"),
            ("down for", f"{info['down_s']:.1f} s (same code and key after: "
                         f"{info['same_code_and_key']})"),
            ("acknowledged -> found after", f"{info['found_after_restart']} of "
                                            f"{info['acked_at_kill']} "
                                            f"({info['acked_but_missing_after_restart']} missing; "
                                            f"{info['stored_not_acknowledged']} more stored "
                                            "but not acknowledged)"),
            ("epochs posted / stored", f"{fault['epochs_posted']} sent in "
                                       f"{fault['posts']} posts "
                                       f"({fault['epochs_in_answered_posts']} in answered "
                                       f"posts, {fault['posts_failed']} posts failed) / "
                                       f"{fault['epochs_stored']} stored "
                                       f"(expected {fault['epochs_expected']})"),
            ("duplicates / lost", f"{fault['duplicates']} / {fault['lost']}"),
            ("recovery after restart", f"{info['recovery_s']:.1f} s"),
            ("every epoch exactly once", str(fault["every_epoch_once"])),
        ]
    width = max(len(r[0]) for r in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--processes", type=int, default=1,
                        help="worker processes the students are spread over (threads in each)")
    parser.add_argument("--interval", type=float, default=0.5,
                        help="seconds between two looks of a Student at its ledger (join's 0.5)")
    parser.add_argument("--board-every", type=float, default=1.0,
                        help="seconds between two board reads")
    parser.add_argument("--kill-at", type=float, default=0.4,
                        help="fraction of the epochs acknowledged when the server is killed")
    parser.add_argument("--down", type=float, default=2.0, help="seconds the server stays down")
    parser.add_argument("--flush-timeout", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-fault", action="store_true", help="skip the fault run")
    parser.add_argument("--quick", action="store_true", help="20 students x 10 epochs")
    parser.add_argument("--json", default=str(DEFAULT_JSON),
                        help="where to write the results (default artifacts/benchmarks/...)")
    args = parser.parse_args()
    if args.quick:
        args.students, args.epochs = min(args.students, 20), min(args.epochs, 10)
    args.processes = max(1, min(args.processes, args.students))

    results = {"machine": neurona.hardware_report().summary(),
               "cpus": os.cpu_count(), "load_average_before": os.getloadavg()}
    with tempfile.TemporaryDirectory(prefix="classroom-load-") as work:
        results["load"] = run_class(args, fault=False, workdir=Path(work))
        if not args.no_fault:
            results["fault_run"] = run_class(args, fault=True, workdir=Path(work))
    print(table(results))
    path = Path(args.json)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2))
    print(f"results written to {path}")


if __name__ == "__main__":
    main()
