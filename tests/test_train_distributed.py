"""Data-parallel training: 2 gloo processes on the CPU against one process.

One DDP step on 2 × B (each rank its own B) must equal one single-process step
on the 2B batch. BatchNorm breaks the equality in training mode: each replica
normalises with its own B samples (SyncBatchNorm, CUDA only, would use all 2B),
so the exact comparison runs G's BatchNorms with their running statistics
(``G.eval()``), which makes every loss a mean of per-sample terms; the
training-mode difference is measured too and must stay visible. D has no
BatchNorm. Spectral norm's power iteration runs the same on every rank.
"""

import socket

import pytest
import torch
import torch.multiprocessing as mp

import gantutor as gt
from gantutor.models.biggan import BigGANDiscriminator, BigGANGenerator
from gantutor.steps.biggan import biggan_step, class_noise
from gantutor.train import distributed

B, STEPS, TOL = 8, 2, 1e-5  # per-rank batch, steps; weights agree within TOL


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(replicas, mode: str, checkpoint=None, steps: int = STEPS):
    """Train a tiny BigGAN (8 px) on batches of 2B for ``steps``, sharded by rank.

    Every process seeds the same; one process (``Replicas()``) takes all 2B.
    """
    gt.seed(0)
    G = BigGANGenerator(8, 10, img_size=8, width=4, shared_dim=4)
    D = BigGANDiscriminator(10, img_size=8, width=4)
    G.train(mode == "train")
    x = torch.rand(64, 1, 8, 8) * 2 - 1
    y = torch.randint(10, (64,))
    Gw, Dw = distributed.wrap(G, replicas), distributed.wrap(D, replicas)
    opt_G = torch.optim.Adam(G.parameters(), lr=1e-3, betas=(0.0, 0.999))
    opt_D = torch.optim.Adam(D.parameters(), lr=1e-3, betas=(0.0, 0.999))
    noise = replicas.shard_noise(class_noise(G.latent_dim, G.n_classes))
    step = biggan_step(Gw, Dw, opt_G, opt_D, n_critic=2, beta_ortho=1e-2, noise=noise)
    source = gt.data.TensorBatches((x, y), 2 * B)  # every rank draws all 2B
    trainer = gt.train.Trainer(
        step,
        replicas.shard_batches(source),
        modules={"G": G, "D": D},
        optimizers={"G": opt_G, "D": opt_D},
        log_every=1,
        checkpoint=replicas.main_only(checkpoint),
        checkpoint_every=1,
        progress=False,
    )
    trainer.fit(steps)
    return trainer


def worker(rank: int, world: int, port: int, folder: str) -> None:
    import os

    os.environ.update(
        RANK=str(rank), WORLD_SIZE=str(world), LOCAL_RANK=str(rank),
        MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port),
    )  # fmt: skip
    torch.set_num_threads(1)
    replicas = distributed.init()
    assert replicas.active and replicas.rank == rank
    out = {}
    for mode in ("eval", "train"):
        ckpt = f"{folder}/checkpoint.pt" if mode == "eval" else None
        trainer = run(replicas, mode, ckpt)
        out[mode] = {k: m.state_dict() for k, m in trainer.modules.items()}
    torch.save(out, f"{folder}/rank{rank}.pt")
    distributed.close()


def max_difference(a: dict, b: dict) -> float:
    return max(
        float((a[net][k].double() - b[net][k].double()).abs().max())
        for net in a
        for k in a[net]
        if a[net][k].is_floating_point()
    )


def test_slices_noise_and_helpers_in_one_process(monkeypatch):
    r1 = distributed.Replicas(rank=1, world_size=2)
    t = torch.arange(12)  # 2 global batches of 2 × 3
    torch.testing.assert_close(r1.local(t, n=2), torch.tensor([3, 4, 5, 9, 10, 11]))
    with pytest.raises(ValueError, match="equal shares"):
        r1.local(torch.arange(5))
    z, y = r1.shard_noise(lambda n, device: (torch.arange(n), -torch.arange(n)))(
        3, "cpu"
    )
    torch.testing.assert_close(z, torch.tensor([3, 4, 5]))
    torch.testing.assert_close(y, -torch.tensor([3, 4, 5]))
    assert r1.main_only("c.pt") is None and not r1.main and r1.active
    for key in ("RANK", "WORLD_SIZE", "LOCAL_RANK"):
        monkeypatch.delenv(key, raising=False)
    one = distributed.init()  # no torchrun: nothing to join
    assert (one.rank, one.world_size, one.active) == (0, 1, False)
    net = torch.nn.Linear(2, 2)
    assert distributed.wrap(net, one) is net
    assert str(one.main_only("c.pt")) == "c.pt"
    with pytest.raises(ValueError, match="RANK"):
        distributed.from_env({"RANK": "2", "WORLD_SIZE": "2"})


def test_two_gloo_processes_equal_one_process_on_the_double_batch(tmp_path):
    mp.spawn(worker, args=(2, free_port(), str(tmp_path)), nprocs=2, join=True)
    ranks = [torch.load(tmp_path / f"rank{r}.pt", weights_only=True) for r in (0, 1)]
    one = distributed.Replicas()
    single = {}
    for mode in ("eval", "train"):
        trainer = run(one, mode)
        single[mode] = {k: m.state_dict() for k, m in trainer.modules.items()}
    assert max_difference(ranks[0]["eval"], ranks[1]["eval"]) == 0.0  # in step
    exact = max_difference(ranks[0]["eval"], single["eval"])
    batch_norm = max_difference(ranks[0]["train"], single["train"])
    print(f"DDP (2 × {B}) vs one process ({2 * B}): max |Δw| {exact:.2e} with "
          f"running BN statistics, {batch_norm:.2e} with per-replica BN")  # fmt: skip
    assert exact < TOL < batch_norm

    # rank 0 alone wrote the checkpoint; one process resumes from it
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "checkpoint.pt", "rank0.pt", "rank1.pt"
    ]  # fmt: skip
    resumed = run(one, "eval", steps=0)
    resumed.load(tmp_path / "checkpoint.pt")
    assert resumed.step == STEPS
    state = {k: m.state_dict() for k, m in resumed.modules.items()}
    assert max_difference(state, ranks[0]["eval"]) == 0.0
    resumed.fit(STEPS + 1)  # the same batches and noise as the one-process run
    reference = run(one, "eval", steps=STEPS + 1)
    later = {k: m.state_dict() for k, m in resumed.modules.items()}
    ref = {k: m.state_dict() for k, m in reference.modules.items()}
    assert max_difference(later, ref) < TOL
