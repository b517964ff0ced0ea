"""The limits in force: CPU affinity, cgroup v1 and v2, JupyterHub's CPU_LIMIT and MEM_LIMIT.

Every cgroup case runs on a fake tree in ``tmp_path`` (``proc/self/mountinfo``,
``proc/self/cgroup`` and the cgroup files), read through the same functions as the real one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from neurona import bench, settings, startup
from neurona import diagnosis as doc
from neurona import hardware as hw
from neurona.bench import sweeps
from neurona.runs import Ledger

GiB = 2**30
HOST_CPUS = 16
HOST_MEMORY = 64 * GiB

V2_MOUNTS = "30 23 0:26 / /sys/fs/cgroup rw,nosuid,relatime shared:4 - cgroup2 cgroup2 rw\n"
V1_MOUNTS = (
    "31 23 0:28 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs ro,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
)
NO_LIMIT_V1 = "9223372036854771712"  # what cgroup v1 writes for "no limit"


@pytest.fixture(autouse=True)
def fresh_limits(monkeypatch):
    """A private cache and notice memory; a wide affinity mask and no spawner variables."""
    monkeypatch.setattr(hw, "_LIMITS", {})
    monkeypatch.setattr(settings, "_SAID", set())
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(64)), raising=False)
    monkeypatch.setattr(hw, "_host_available_bytes", lambda: 30 * GiB)
    for name in ("CPU_LIMIT", "MEM_LIMIT"):
        monkeypatch.delenv(name, raising=False)


def make_tree(root: Path, mounts: str, cgroup: str, files: dict[str, str]) -> Path:
    """Write a fake /proc/self and cgroup files (paths relative to ``root``)."""
    (root / "proc" / "self").mkdir(parents=True)
    (root / "proc" / "self" / "mountinfo").write_text(mounts)
    (root / "proc" / "self" / "cgroup").write_text(cgroup)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n")
    return root


def read(root: Path, environ: dict[str, str] | None = None) -> hw.ResourceLimits:
    """The limits of a fake tree on a 16-CPU, 64 GB machine."""
    env = environ or {}
    cpu = hw._read_cpu_limits(root / "proc", root, env, host_cpus=HOST_CPUS)
    memory = hw._read_memory_limits(root / "proc", root, env, host_memory=HOST_MEMORY)
    return hw.ResourceLimits(**cpu, **memory)


def v2_tree(root: Path, **files: str) -> Path:
    folder = "sys/fs/cgroup/kubepods/pod1/c1"
    return make_tree(
        root, V2_MOUNTS, "0::/kubepods/pod1/c1\n", {f"{folder}/{k}": v for k, v in files.items()}
    )


def v1_tree(root: Path, cpu: dict[str, str], memory: dict[str, str]) -> Path:
    files = {f"sys/fs/cgroup/cpu,cpuacct/docker/abc/{k}": v for k, v in cpu.items()}
    files |= {f"sys/fs/cgroup/memory/docker/abc/{k}": v for k, v in memory.items()}
    cgroup = "4:memory:/docker/abc\n3:cpu,cpuacct:/docker/abc\n0::/\n"
    return make_tree(root, V1_MOUNTS, cgroup, files)


# -- cgroup v2 -------------------------------------------------------------------------------
def test_v2_without_limits_is_the_host(tmp_path):
    limits = read(v2_tree(tmp_path, **{"cpu.max": "max 100000", "memory.max": "max"}))
    assert (limits.cpus, limits.cpu_quota, limits.cpu_source) == (HOST_CPUS, None, "host")
    assert (limits.memory_bytes, limits.memory_source) == (HOST_MEMORY, "host")
    assert not limits.limited


def test_v2_cpu_max_and_memory_max(tmp_path):
    tree = v2_tree(tmp_path, **{"cpu.max": "150000 100000", "memory.max": str(2 * GiB)})
    limits = read(tree)
    assert limits.cpu_quota == 1.5 and limits.cpus == 2
    assert limits.cpu_source == "cgroup v2 cpu.max"
    assert limits.memory_bytes == 2 * GiB and limits.memory_source == "cgroup v2 memory.max"
    assert limits.limited and limits.host_cpus == HOST_CPUS
    assert limits.cpu_text() == "this container may use 1.5 CPUs (cgroup v2 cpu.max)"
    assert limits.memory_text() == "this container allows 2.0 GB (cgroup v2 memory.max)"


def test_a_limit_on_a_parent_cgroup_binds_the_child(tmp_path):
    tree = v2_tree(tmp_path, **{"cpu.max": "max 100000", "memory.max": "max"})
    parent = tree / "sys/fs/cgroup/kubepods/pod1"
    (parent / "cpu.max").write_text("100000 100000\n")
    (parent / "memory.max").write_text(f"{3 * GiB}\n")
    limits = read(tree)
    assert (limits.cpus, limits.memory_bytes) == (1, 3 * GiB)


@pytest.mark.parametrize(
    ("name", "garbage", "form"),
    [("cpu.max", "abc", "'max 100000' or '<quota> <period>'"), ("memory.max", "lots", "'max'")],
)
def test_an_unreadable_cgroup_file_gets_one_line_and_is_skipped(tmp_path, capsys, name, garbage,
                                                                form):  # fmt: skip
    files = {"cpu.max": "max 100000", "memory.max": "max", name: garbage}
    tree = v2_tree(tmp_path, **files)
    limits = read(tree, {"CPU_LIMIT": "2", "MEM_LIMIT": str(4 * GiB)})
    read(tree)  # read again: the line is not repeated
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith("neurona: ")
    assert f"{name} holds {garbage!r}" in out and form in out
    assert "going on without this limit" in out.lower()
    assert (limits.cpus, limits.memory_bytes) == (2, 4 * GiB)  # the other sources still apply


def test_memory_available_is_the_limit_less_what_the_container_uses(tmp_path):
    tree = v2_tree(tmp_path, **{
        "memory.max": str(2 * GiB), "memory.current": str(3 * GiB // 2),
        "memory.stat": f"anon 100\nfile 200\ninactive_file {GiB // 2}\nactive_file 3\n",
    })  # fmt: skip
    limits = read(tree)
    # 1.5 GB used, of which 0.5 GB is page cache the kernel can drop: 1 GB free.
    assert limits.available_memory_bytes() == GiB
    (tree / "sys/fs/cgroup/kubepods/pod1/c1/memory.current").write_text(f"{2 * GiB}\n")
    assert limits.available_memory_bytes() == GiB // 2  # read again at each call


def test_mem_limit_without_a_cgroup_subtracts_what_the_server_holds(tmp_path, monkeypatch):
    # A local spawner sets MEM_LIMIT without enforcing it: nothing in the cgroup says what is
    # used, so the resident memory of the Jupyter server and its kernels is subtracted.
    tree = v2_tree(tmp_path, **{"memory.max": "max"})
    limits = read(tree, {"MEM_LIMIT": str(2 * GiB)})
    assert (limits.memory_bytes, limits.memory_source) == (2 * GiB, "MEM_LIMIT")
    monkeypatch.setattr(hw, "_server_resident_bytes", lambda: 3 * GiB // 2)
    assert limits.available_memory_bytes() == GiB // 2
    monkeypatch.setattr(hw, "_server_resident_bytes", lambda: 3 * GiB)
    assert limits.available_memory_bytes() == 0  # over the limit: nothing free, never negative


def test_the_server_resident_memory_counts_this_process_and_its_children():
    before = hw._server_resident_bytes()
    child = subprocess.Popen([sys.executable, "-c", "import time; b = bytearray(200 * 2**20); "
                              "print(flush=True); time.sleep(30)"],
                             stdout=subprocess.PIPE)  # fmt: skip
    try:
        child.stdout.readline()  # the child holds its 200 MiB now
        assert hw._server_resident_bytes() >= before + 150 * 2**20
    finally:
        child.kill()
        child.wait()


# -- cgroup v1 -------------------------------------------------------------------------------
def test_v1_without_limits_is_the_host(tmp_path):
    tree = v1_tree(tmp_path, cpu={"cpu.cfs_quota_us": "-1", "cpu.cfs_period_us": "100000"},
                   memory={"memory.limit_in_bytes": NO_LIMIT_V1})  # fmt: skip
    limits = read(tree)
    assert (limits.cpus, limits.cpu_quota, limits.memory_bytes) == (HOST_CPUS, None, HOST_MEMORY)
    assert not limits.limited


def test_v1_quota_and_memory_limit(tmp_path):
    tree = v1_tree(
        tmp_path,
        cpu={"cpu.cfs_quota_us": "50000", "cpu.cfs_period_us": "100000"},
        memory={"memory.limit_in_bytes": str(2 * GiB), "memory.usage_in_bytes": str(GiB),
                "memory.stat": f"cache 5\ntotal_inactive_file {GiB // 4}\n"},
    )  # fmt: skip
    limits = read(tree)
    assert limits.cpu_quota == 0.5 and limits.cpus == 1
    assert limits.cpu_source == "cgroup v1 cpu.cfs_quota_us"
    assert limits.memory_source == "cgroup v1 memory.limit_in_bytes"
    assert limits.available_memory_bytes() == 2 * GiB - (GiB - GiB // 4)


def test_v1_in_a_container_falls_back_to_the_mount_root(tmp_path):
    # The container sees only its own cgroup at the mount: its path in /proc/self/cgroup
    # (the host's name for it) is not there, the mount's folder is.
    files = {"sys/fs/cgroup/memory/memory.limit_in_bytes": str(GiB),
             "sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us": "200000",
             "sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us": "100000"}  # fmt: skip
    tree = make_tree(tmp_path, V1_MOUNTS, "4:memory:/docker/abc\n3:cpu,cpuacct:/docker/abc\n",
                     files)  # fmt: skip
    limits = read(tree)
    assert (limits.cpus, limits.memory_bytes) == (2, GiB)


def test_v1_mount_root_is_stripped_from_the_path(tmp_path):
    mounts = "35 31 0:32 /docker/abc /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
    files = {"sys/fs/cgroup/memory/memory.limit_in_bytes": str(GiB)}
    tree = make_tree(tmp_path, mounts, "4:memory:/docker/abc\n", files)
    mount = hw._cgroup_mounts(tree / "proc", tree)
    assert mount == {"memory": (tree / "sys/fs/cgroup/memory", "/docker/abc")}
    assert hw._cgroup_dirs(mount, {"memory": "/docker/abc"}, "memory") == [
        tree / "sys/fs/cgroup/memory"
    ]
    assert read(tree).memory_bytes == GiB


def test_this_machines_hybrid_layout(tmp_path):
    # cgroup2 at /sys/fs/cgroup/unified, v1 controllers beside it (as on the kit's CI machine).
    mounts = V1_MOUNTS + "41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n"
    cgroup = "4:memory:/process_api/733e\n3:cpu,cpuacct:/\n0::/\n"
    files = {"sys/fs/cgroup/memory/process_api/733e/memory.limit_in_bytes": str(8 * GiB),
             "sys/fs/cgroup/memory/memory.limit_in_bytes": NO_LIMIT_V1,
             "sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us": "-1"}  # fmt: skip
    tree = make_tree(tmp_path, mounts, cgroup, files)
    assert set(hw._cgroup_mounts(tree / "proc", tree)) == {"v2", "cpu", "memory"}
    limits = read(tree)
    assert (limits.cpus, limits.memory_bytes) == (HOST_CPUS, 8 * GiB)


def test_no_proc_at_all_is_the_host(tmp_path):
    limits = read(tmp_path)
    assert (limits.cpus, limits.memory_bytes, limits.limited) == (HOST_CPUS, HOST_MEMORY, False)


# -- the spawner's variables and the affinity mask ------------------------------------------
def test_cpu_limit_and_mem_limit(tmp_path):
    limits = read(tmp_path, {"CPU_LIMIT": "1.0", "MEM_LIMIT": str(2 * GiB)})
    assert (limits.cpus, limits.cpu_quota, limits.cpu_source) == (1, 1.0, "CPU_LIMIT")
    assert (limits.memory_bytes, limits.memory_source) == (2 * GiB, "MEM_LIMIT")
    assert limits.cpu_text() == "this container may use 1 CPU (CPU_LIMIT)"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [("CPU_LIMIT", "lots", "a number of CPUs"), ("CPU_LIMIT", "-2", "a number of CPUs"),
     ("MEM_LIMIT", "2G", "a whole number of bytes"), ("MEM_LIMIT", "1.5e9", "whole number")],
)  # fmt: skip
def test_a_bad_variable_gets_one_line_and_is_skipped(tmp_path, capsys, name, value, expected):
    limits = read(tmp_path, {name: value})
    read(tmp_path, {name: value})
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert f"{name}={value!r} is not understood" in out and expected in out
    assert not limits.limited


def test_empty_variables_are_unset(tmp_path, capsys):
    assert not read(tmp_path, {"CPU_LIMIT": "", "MEM_LIMIT": " "}).limited
    assert capsys.readouterr().out == ""


def test_the_affinity_mask_limits_the_cpus(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    limits = read(tmp_path)
    assert (limits.cpus, limits.cpu_source, limits.cpu_quota) == (3, "CPU affinity", None)
    assert limits.cpu_text() == "this process may use 3 CPUs (CPU affinity)"


def test_the_smallest_limit_wins(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(8)), raising=False)
    tree = v2_tree(tmp_path, **{"cpu.max": "400000 100000", "memory.max": str(4 * GiB)})
    limits = read(tree, {"CPU_LIMIT": "2", "MEM_LIMIT": str(3 * GiB)})
    assert (limits.cpus, limits.cpu_source) == (2, "CPU_LIMIT")
    assert (limits.memory_bytes, limits.memory_source) == (3 * GiB, "MEM_LIMIT")
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {5}, raising=False)
    assert read(tree, {"CPU_LIMIT": "2"}).cpu_source == "CPU affinity"
    # Equal limits: the cgroup is named, it is what the kernel enforces.
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(64)), raising=False)
    assert read(tree, {"CPU_LIMIT": "4"}).cpu_source == "cgroup v2 cpu.max"
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(4)), raising=False)
    assert read(tree, {"CPU_LIMIT": "4"}).cpu_source == "cgroup v2 cpu.max"


def test_resource_limits_is_read_once_and_refreshed_on_request(monkeypatch):
    first = hw.resource_limits()
    monkeypatch.setenv("CPU_LIMIT", "1")
    assert hw.resource_limits().cpus == first.cpus  # cached for the process
    assert hw.resource_limits(refresh=True).cpu_source in ("CPU_LIMIT", "host")
    with pytest.raises(ValueError, match="refresh must be True or False"):
        hw.resource_limits(refresh="yes")


# -- enough_memory ---------------------------------------------------------------------------
def use_limits(monkeypatch, limits: hw.ResourceLimits) -> None:
    """Make ``limits`` what the kit reads in this process."""
    cpu = {k: getattr(limits, k) for k in ("host_cpus", "cpus", "cpu_quota", "cpu_source")}
    memory = {k: getattr(limits, k) for k in ("host_memory_bytes", "memory_bytes",
                                               "memory_source", "memory_usage_files")}  # fmt: skip
    monkeypatch.setattr(hw, "_LIMITS", {"cpu": cpu, "memory": memory})


def pod(cpus: int = 1, memory: int = 2 * GiB) -> hw.ResourceLimits:
    """A JupyterHub pod on a 16-CPU, 64 GB node."""
    return hw.ResourceLimits(host_cpus=HOST_CPUS, cpus=cpus, cpu_quota=float(cpus),
                             cpu_source="cgroup v2 cpu.max", host_memory_bytes=HOST_MEMORY,
                             memory_bytes=memory, memory_source="MEM_LIMIT")  # fmt: skip


def test_enough_memory_says_in_one_line_what_it_skips(monkeypatch, capsys):
    import neurona as nr

    use_limits(monkeypatch, pod())
    assert nr.enough_memory(GiB, "a small model") is True  # 1 GB of 2 GB free, 20 % spare
    assert nr.enough_memory(int(1.6 * GiB), "a model at the margin") is True
    assert capsys.readouterr().out == ""
    assert nr.enough_memory(int(2.6 * GiB), "VGG16's forward pass") is False
    assert capsys.readouterr().out == (
        "neurona: skipping VGG16's forward pass: it needs about 2.6 GB and this container "
        "allows 2.0 GB (MEM_LIMIT), 2.0 GB of it free now (the kit leaves 20% of that spare)\n"
    )
    assert nr.enough_memory(int(1.7 * GiB), "a model past the margin") is False
    monkeypatch.setattr(hw, "_host_available_bytes", lambda: GiB)  # the node itself is full
    assert nr.enough_memory(GiB, "a small model") is False
    assert "1.0 GB of it free now" in capsys.readouterr().out


@pytest.mark.parametrize("bad", [-1, "2 GB", True, None, float("nan"), float("inf")])
def test_enough_memory_rejects_bad_sizes(bad):
    with pytest.raises(ValueError, match="needed_bytes must be a finite number >= 0"):
        hw.enough_memory(bad, "a model")


@pytest.mark.parametrize("bad", ["", "  ", 3, None])
def test_enough_memory_needs_to_know_what(bad):
    with pytest.raises(ValueError, match="what must be a short text naming the computation"):
        hw.enough_memory(100, bad)


def test_top_level_names():
    import neurona as nr

    assert nr.resource_limits is hw.resource_limits and nr.enough_memory is hw.enough_memory
    assert nr.ResourceLimits is hw.ResourceLimits
    assert {"resource_limits", "enough_memory", "ResourceLimits"} <= set(dir(nr))


# -- the report and the doctor ---------------------------------------------------------------
def test_the_report_shows_host_and_limit(monkeypatch):
    report = hw.HardwareReport(platform="JupyterHub", os="Linux 6.1 x86_64", python="3.12.3",
                               cpu_model="AMD EPYC", physical_cores=16, logical_cores=32,
                               ram_gb=64.0, versions={"keras": "3.15.1"}, limits=pod())  # fmt: skip
    text = str(report)
    assert "16 cores, 32 threads; this container may use 1 CPU (cgroup v2 cpu.max)" in text
    assert "64.0 GB; limit 2.0 GB (MEM_LIMIT)" in text
    assert "this container may use 1 CPU" in report._repr_html_()
    line = report.summary()
    assert line.startswith("CPU: AMD EPYC (16 cores, 32 threads; 1 CPU allowed), "
                           "64.0 GB RAM (2.0 GB allowed), no GPU")  # fmt: skip
    assert "\n" not in line
    data = json.loads(json.dumps(report.to_dict()))
    assert data["limits"]["cpus"] == 1 and data["limits"]["limited"] is True
    assert data["limits"]["available_memory_bytes"] == 2 * GiB
    unlimited = hw.HardwareReport(**{**report.__dict__, "limits": pod(HOST_CPUS, HOST_MEMORY)})
    assert "allowed" not in unlimited.summary() and "limit" not in str(unlimited)


def test_the_device_string_names_the_cpus_allowed(monkeypatch):
    use_limits(monkeypatch, pod(cpus=1))
    assert hw._cpu_device().endswith("(1 core)")


def test_the_real_report_carries_the_limits():
    report = hw.hardware_report()
    assert report.limits is not None
    assert report.limits.host_cpus >= report.limits.cpus >= 1
    assert report.to_dict()["limits"]["host_memory_bytes"] > 0


@pytest.mark.parametrize(
    ("limits", "status", "found"),
    [(pod(cpus=4, memory=8 * GiB), "ok", "may use 4 CPUs (cgroup v2 cpu.max) of the machine's 16"),
     (pod(cpus=1, memory=8 * GiB), "warn", "only one CPU"),
     (pod(cpus=4, memory=GiB), "warn", "under 2 GB"),
     (pod(cpus=HOST_CPUS, memory=HOST_MEMORY), "ok", "no limits: all 16 CPUs and 64.0 GB")],
)  # fmt: skip
def test_the_doctor_row_on_limits(limits, status, found):
    check = doc._check_limits(limits)
    assert check.status == status and found in check.message
    assert "free now" in check.message
    if status == "warn":
        assert "administrator" in check.fix and "enough_memory" in check.fix


def test_the_doctor_has_the_limits_row(tmp_cache):
    assert doc.doctor()["CPUs and memory"].status in ("ok", "warn")


# -- threads ---------------------------------------------------------------------------------
class FakeThreading:
    """tf.config.threading: what was set, 0 where nothing was."""

    def __init__(self, intra=0, inter=0):
        self.values = {"intra": intra, "inter": inter}

    def get_intra_op_parallelism_threads(self):
        return self.values["intra"]

    def get_inter_op_parallelism_threads(self):
        return self.values["inter"]

    def set_intra_op_parallelism_threads(self, n):
        self.values["intra"] = n

    def set_inter_op_parallelism_threads(self, n):
        self.values["inter"] = n


def fake_tf(**values):
    class Config:
        threading = FakeThreading(**values)

    class TF:
        config = Config

    return TF


@pytest.fixture
def before_tensorflow(monkeypatch):
    """As if TensorFlow were not imported yet; the import hooks are restored afterwards."""
    monkeypatch.delitem(sys.modules, "tensorflow", raising=False)
    monkeypatch.delitem(sys.modules, "torch", raising=False)
    monkeypatch.setattr(startup, "_AFTER_IMPORT", {})
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    for name in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"):
        monkeypatch.setenv(name, "")  # recorded, so that set_threads' own setting is undone
        monkeypatch.delenv(name)


def test_under_a_cpu_limit_tensorflow_gets_the_cpus_allowed(monkeypatch, before_tensorflow):
    use_limits(monkeypatch, pod(cpus=2))
    assert hw.fit_threads_to_limit() == {"intra": 2, "inter": 2}
    action = startup.waiting("tensorflow")["default threads"]
    tf = fake_tf()
    action(tf)
    assert tf.config.threading.values == {"intra": 2, "inter": 2}


def test_without_a_cpu_limit_nothing_changes(monkeypatch, before_tensorflow):
    use_limits(monkeypatch, pod(cpus=HOST_CPUS, memory=GiB))  # a memory limit only
    assert hw.fit_threads_to_limit() is None
    assert startup.waiting("tensorflow") == {}


def test_the_users_choice_of_threads_wins(monkeypatch, before_tensorflow):
    use_limits(monkeypatch, pod(cpus=2))
    monkeypatch.setenv("TF_NUM_INTRAOP_THREADS", "4")
    assert hw.fit_threads_to_limit() == {"inter": 2}
    monkeypatch.setenv("TF_NUM_INTEROP_THREADS", "3")
    assert hw.fit_threads_to_limit() is None
    # Chosen after `import neurona`, before TensorFlow: the choice is looked at again.
    monkeypatch.delenv("TF_NUM_INTRAOP_THREADS")
    monkeypatch.delenv("TF_NUM_INTEROP_THREADS")
    hw.fit_threads_to_limit()
    monkeypatch.setenv("TF_NUM_INTEROP_THREADS", "3")
    tf = fake_tf(intra=5)  # set through tf.config.threading by the user
    startup.waiting("tensorflow")["default threads"](tf)
    assert tf.config.threading.values == {"intra": 5, "inter": 0}


def test_set_threads_beyond_the_cpus_allowed_says_so(monkeypatch, before_tensorflow, capsys):
    use_limits(monkeypatch, pod(cpus=1))
    assert hw.set_threads(4) == {"intra": 4, "inter": None}
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert "4 threads per operation, but this container may use 1 CPU" in out
    assert "set_threads(1)" in out
    with pytest.raises(ValueError, match=r"this container may use 1 CPU \(cgroup v2 cpu.max\)"):
        hw.set_threads(1000)


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    environ = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND="tensorflow", **env)
    for name in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "CPU_LIMIT", "MEM_LIMIT"):
        if name not in env:
            environ.pop(name, None)
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, env=environ, timeout=180, check=False)  # fmt: skip


needs_two_cpus = pytest.mark.skipif(
    not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2,
    reason="needs an affinity mask of 2 CPUs or more to narrow",
)


@needs_two_cpus
def test_import_neurona_sets_tensorflows_threads_only_under_a_limit():
    done = run_python(
        """
        import sys
        import neurona
        from neurona import hardware as hw, startup
        print(sorted(startup.waiting("tensorflow")), "psutil" in sys.modules,
              "tensorflow" in sys.modules)
        limits = hw.resource_limits()
        print(limits.cpus < limits.host_cpus)
        """
    )
    assert done.returncode == 0, done.stderr
    hooks, limited_here = done.stdout.strip().splitlines()
    expected = "['default threads'] False False" if limited_here == "True" else "[] False False"
    assert hooks == expected
    limited = run_python(
        """
        from neurona import startup
        print(sorted(startup.waiting("tensorflow")))
        """,
        CPU_LIMIT="1",
    )
    assert limited.returncode == 0, limited.stderr
    assert limited.stdout.strip() == "['default threads']"


@needs_two_cpus
def test_tensorflow_starts_with_the_cpus_of_its_affinity_mask():
    done = run_python(
        """
        import os
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        import neurona
        import tensorflow as tf
        threading = tf.config.threading
        print(threading.get_intra_op_parallelism_threads(),
              threading.get_inter_op_parallelism_threads())
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "1 1"


# -- the benchmarks --------------------------------------------------------------------------
def test_bench_follows_the_cpu_limit(monkeypatch, tmp_path):
    monkeypatch.setenv("CPU_LIMIT", "1")
    hw.resource_limits(refresh=True)
    assert sweeps.cpu_count() == 1 and bench.cpu_count() == 1

    def runner(config):
        return {**config.to_dict(), "label": config.label(), "ok": True, "error": "",
                "median_s": 1.0 / (config.threads or 1)}  # fmt: skip

    code = tmp_path / "timed_code.py"   # a network and a loop (not run: the runner is a stand-in)
    code.write_text("def mlp():\n    ...\n\n\ndef fit(model, loss, batch_size):\n    ...\n")
    results = sweeps.threads(bench.Config(code=code, model="mlp"), runner=runner, ledger=Ledger(),
                             progress=False)  # fmt: skip
    assert [row["threads"] for row in results.rows] == [1, 2]  # 1 CPU, and twice that


def test_bench_memory_limit_follows_the_memory_limit(monkeypatch):
    from neurona.bench.limits import memory_limit

    monkeypatch.setenv("MEM_LIMIT", str(GiB))
    monkeypatch.setattr(hw, "_server_resident_bytes", lambda: GiB // 4)  # the kernels hold 256 MiB
    hw.resource_limits(refresh=True)
    assert memory_limit(0.5) == 3 * GiB // 8
    assert memory_limit(1) == 3 * GiB // 4
    with pytest.raises(ValueError, match="share must be a number > 0 and <= 1"):
        memory_limit(0)


def test_a_benchmark_child_that_would_not_fit_beside_the_kernel_is_not_started(monkeypatch, code):
    """In a 2 GB pod the notebook's kernel may hold 1.5 GB: a fresh Keras process (about
    0.9 GB on TensorFlow) is refused with the reason in its row, and nothing is started."""
    from neurona import processes
    from neurona.bench import Config, runner

    use_limits(monkeypatch, pod())
    started = []
    monkeypatch.setattr(processes, "run", lambda *args, **kwargs: started.append(args) or {})
    monkeypatch.setattr(hw, "_host_available_bytes", lambda: int(0.5 * GiB))  # the kernel's share
    row = runner.run(Config(code=code, model="mlp", samples=256, batch_size=64, backend="jax"))
    assert started == [] and row["ok"] is False
    assert row["error"] == (
        "skipping a fresh Python process with Keras on jax: it needs about 1.2 GB and this "
        "container allows 2.0 GB (MEM_LIMIT), 0.5 GB of it free now (the kit leaves 20% of "
        "that spare)")
    monkeypatch.setattr(hw, "_host_available_bytes", lambda: 8 * GiB)  # room again
    runner.run(Config(code=code, model="mlp", samples=256, batch_size=64))
    assert len(started) == 1
