"""The child runtime's rank harness (mathdl_cli/child_dist.py): a student function
run on every rank of a real gloo process group in forked processes, with results
as plain data, a deadline on every collective, and failures that name the rank
and the operation; no rank outlives the call."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest

from mathdl_cli.sandbox import ProcessIsolation, Sandbox, probe_isolation
from mathdl_cli.sandbox.zygote import RUNTIME_FILES
from support import live_children

MODULE = textwrap.dedent(
    '''
    import os
    import time

    import numpy as np
    import torch
    import torch.distributed as dist


    def allsum(rank, world_size, x):
        t = torch.tensor(x)
        dist.all_reduce(t)
        print(f"hello from {rank}")
        return t, dist.get_rank(), dist.get_world_size()


    def never_sends(rank, world_size):
        if rank == 0:
            t = torch.zeros(2, dtype=torch.float64)
            dist.recv(t, src=world_size - 1)
        return rank


    def raises_on(rank, world_size, bad):
        if rank == bad:
            raise ValueError(f"bad rank {rank}")
        dist.barrier()
        return rank


    def exits(rank, world_size):
        if rank == 1:
            os._exit(4)
        dist.barrier()
        return rank


    def spins(rank, world_size):
        if rank == 1:
            while True:
                pass
        return rank


    def mutates(rank, world_size, x):
        if rank == 1:
            x += 1.0
        return rank


    def isend_wait(rank, world_size):
        t = torch.full((3,), float(rank), dtype=torch.float64)
        if rank == 0:
            work = dist.irecv(t, src=1)
            work.wait()
        elif rank == 1:
            dist.isend(t, dst=0).wait()
        return t


    def unencodable(rank, world_size):
        return object() if rank == 1 else rank

    def lends_a_dead_ranks_pid(rank, world_size, folder):
        # rank 0 exits; once the coordinator has reaped it, rank 1 has the kernel give its
        # pid to a new process (as root, through ns_last_pid), which must survive the call
        mine = os.path.join(folder, "rank0")
        if rank == 0:
            with open(mine, "w") as fh:
                fh.write(str(os.getpid()))
            os._exit(5)
        while not os.path.exists(mine):
            time.sleep(0.002)
        time.sleep(0.05)
        pid = int(open(mine).read())
        deadline = time.time() + 5
        while os.path.exists(f"/proc/{pid}") and time.time() < deadline:
            time.sleep(0.002)
        for _ in range(20):
            try:
                with open("/proc/sys/kernel/ns_last_pid", "w") as fh:
                    fh.write(str(pid - 1))
            except OSError:
                return rank
            victim = os.posix_spawn("/bin/sleep", ["sleep", "30"], {}, setsid=True)  # fast: within the ranks' grace
            if victim == pid:
                with open(os.path.join(folder, "victim"), "w") as fh:
                    fh.write(str(pid))
                return rank
            os.kill(victim, 9)
            os.waitpid(victim, 0)
        return rank
    '''
)


@pytest.fixture(scope="module")
def box():
    sandbox = Sandbox(isolation=ProcessIsolation())
    path = sandbox.add_file("ranks_module.py", MODULE.encode())
    # warm up: the child imports torch and torch._dynamo once, before short deadlines are tested
    warm = sandbox.call(path, "allsum", [], {}, timeout=120, calls=[([r, 2, np.ones(1)], {}) for r in range(2)],
                        ranks={"world_size": 2, "collective_timeout": 60, "deadline": 110})
    assert warm.kind == "return", warm
    yield sandbox, path
    sandbox.close()


def ranks_call(box, func, per_rank, collective=2.0, deadline=8.0, timeout=20.0):
    sandbox, path = box
    calls = [(list(args), {}) for args in per_rank]
    spec = {"world_size": len(per_rank), "collective_timeout": collective, "deadline": deadline}
    return sandbox.call(path, func, [], {}, timeout=timeout, calls=calls, ranks=spec)


@pytest.mark.parametrize("world_size", (2, 3, 4))
def test_every_rank_returns_plain_data(box, world_size):
    xs = [np.arange(3.0) * (r + 1) for r in range(world_size)]
    reply = ranks_call(box, "allsum", [(r, world_size, xs[r]) for r in range(world_size)])
    assert reply.kind == "return", reply
    assert len(reply.value) == world_size
    for r, (total, rank, size) in enumerate(reply.value):
        assert type(total) is np.ndarray and total.dtype == np.float64  # a tensor arrives as a plain array
        np.testing.assert_array_equal(total, np.sum(xs, axis=0))
        assert (rank, size) == (r, world_size)
    assert reply.mutated == [[] for _ in range(world_size)]
    assert all(f"[rank {r}] hello from {r}" in reply.stdout for r in range(world_size))
    assert live_children(box[0].proc.pid) == []


def test_a_rank_that_never_sends_is_a_timeout_naming_rank_and_operation(box):
    reply = ranks_call(box, "never_sends", [(r, 3) for r in range(3)], collective=1.0)
    assert reply.kind == "rank_timeout"
    assert reply.index == 0
    assert "rank 0 of 3 waited 1 s in dist.recv(src=2" in reply.message
    assert "rank 1 had returned" in reply.message and "rank 2 had returned" in reply.message
    assert reply.detail.startswith("dist.recv(src=2")
    assert live_children(box[0].proc.pid) == []


def test_an_exception_names_its_rank_and_is_reported_at_once(box):
    reply = ranks_call(box, "raises_on", [(r, 3, 2) for r in range(3)], collective=5.0)
    assert reply.kind == "raise"
    assert reply.type == "ValueError" and reply.index == 2
    assert reply.message.startswith("on rank 2 of 3: bad rank 2")
    assert reply.elapsed == 0.0 or reply.elapsed < 4.0  # not after the others' collective timeout
    assert any(frame[2] == "raises_on" for frame in reply.frames)


def test_a_rank_that_exits_is_reported(box):
    reply = ranks_call(box, "exits", [(r, 2) for r in range(2)])
    assert reply.kind == "rank_exit" and reply.index == 1
    assert "exit status 4" in reply.message and "os._exit" in reply.message


def test_a_rank_that_loops_hits_the_deadline(box):
    reply = ranks_call(box, "spins", [(r, 2) for r in range(2)], collective=5.0, deadline=1.5)
    assert reply.kind == "rank_timeout" and reply.index == 1
    assert "did not finish within 1.5 s" in reply.message
    assert "rank 1 was running your code" in reply.message
    assert live_children(box[0].proc.pid) == []
    again = ranks_call(box, "allsum", [(r, 2, np.ones(1)) for r in range(2)])  # the child is still usable
    assert again.kind == "return"


def test_mutated_arguments_are_reported_per_rank(box):
    reply = ranks_call(box, "mutates", [(r, 2, np.zeros(3)) for r in range(2)])
    assert reply.kind == "return"
    assert reply.mutated == [[], ["2"]]


def test_isend_and_irecv_work_through_the_labels(box):
    reply = ranks_call(box, "isend_wait", [(r, 2) for r in range(2)])
    assert reply.kind == "return", reply
    np.testing.assert_array_equal(reply.value[0], np.ones(3))


def test_an_unencodable_result_names_the_rank(box):
    reply = ranks_call(box, "unencodable", [(r, 2) for r in range(2)])
    assert reply.kind == "unencodable" and "rank 1 of 2" in reply.detail


def test_functions_cannot_be_sent_to_ranks(box):
    sandbox, path = box
    with pytest.raises(ValueError, match="cannot be passed to ranks"):
        sandbox.call(path, "allsum", [], {}, timeout=5, calls=[([0, 1, len], {})], ranks={"world_size": 1})


@pytest.mark.parametrize("zygote", (False, True), ids=("fresh", "zygote"))
def test_strongest_isolation_runs_ranks_or_says_why(zygote):
    """Under the isolation grading uses, gloo over loopback works, in a child
    started from scratch and in one forked by a zygote (batch grading, validate):
    every confined child brings its own loopback interface up (bubblewrap does;
    the namespaces backend with an ioctl), and a zygote's child has the rank
    harness in its read-only runtime folder."""
    isolation = probe_isolation()
    with Sandbox(isolation=isolation, zygote=zygote) as sandbox:
        path = sandbox.add_file("ranks_module.py", MODULE.encode())
        calls = [([r, 2, np.ones(2)], {}) for r in range(2)]
        reply = sandbox.call(path, "allsum", [], {}, timeout=30, calls=calls, ranks={"world_size": 2, "collective_timeout": 3, "deadline": 20})
        assert reply.kind == "return", (isolation.name, reply)
        assert [(np.asarray(v[0]).tolist(), v[1], v[2]) for v in reply.value] == [([2.0, 2.0], r, 2) for r in range(2)]


def test_rank_harness_is_part_of_the_runtime():
    import mathdl_cli

    assert "child_dist.py" in RUNTIME_FILES
    source = (Path(mathdl_cli.__file__).parent / "child_dist.py").read_text()
    assert "import mathdl" not in source and "from mathdl" not in source  # the child has no mathdl package


def test_heavy_lazy_imports_are_detected_in_the_source():
    """torch.optim, DDP and torch.compile import torch._dynamo on first use: the child
    imports it once before forking when the submission mentions them (else every rank
    would, at the same time); prose such as "optimal" does not trigger it."""
    import re

    from mathdl_cli.child_dist import LAZY_HEAVY

    for text in ("opt = torch.optim.SGD(params)", "from torch import optim", "DistributedDataParallel(model)", "torch.compile(f)"):
        assert re.search(LAZY_HEAVY, text), text
    for text in ("bandwidth optimal ring", "optimiser", "p -= lr * p.grad"):
        assert not re.search(LAZY_HEAVY, text), text


def test_a_reaped_ranks_pid_given_to_another_process_is_never_signalled(box, tmp_path):
    """A rank that dies is reaped at once (its status is reported); its pid may then go
    to any new process. The ranks still running are killed at the end of the call, and
    only they: here a process the kernel gave the dead rank's pid survives the call."""
    import os
    import signal

    tmp_path.chmod(0o777)
    reply = ranks_call(box, "lends_a_dead_ranks_pid", [(r, 2, str(tmp_path)) for r in range(2)], deadline=8.0)
    assert reply.kind in ("rank_exit", "raise", "return"), reply
    marker = tmp_path / "victim"
    if not marker.exists():
        pytest.skip(f"the dead rank's pid could not be handed to a new process here (needs root in the child): {reply} {sorted(p.name for p in tmp_path.iterdir())}")
    pid = int(marker.read_text())
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        assert "State:\tZ" not in status, "the process given the dead rank's pid was killed"
    except (FileNotFoundError, ProcessLookupError):
        raise AssertionError("the process given the dead rank's pid was killed") from None
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def test_arguments_that_do_not_fit_a_ranks_function_name_its_parameters(box):
    """Called with arguments its parameters cannot take, the function never starts: the
    reply gives its parameters (the grader then shows them beside the stub's signature)
    and no frame of the harness; a TypeError from inside it keeps its frames."""
    reply = ranks_call(box, "lends_a_dead_ranks_pid", [(0,), (1,)])
    assert reply.kind == "raise" and reply.parameters == "(rank, world_size, folder)" and reply.frames == [], reply
    assert reply.message.startswith("on rank 0 of 2: lends_a_dead_ranks_pid() missing 2 required positional arguments")
    typed = ranks_call(box, "allsum", [(r, 2, "not an array") for r in range(2)])  # torch.tensor("...") raises inside allsum
    assert typed.kind == "raise" and typed.parameters == "" and typed.frames, typed
