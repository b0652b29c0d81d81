"""DeepSpeed ZeRO fine-tuning under Ray Train, for real, on a tiny Llama (2 layers, width 64)
with the SmolLM2 tokenizer: 2 CPU workers, 32 copy examples, 4 steps an epoch."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from adcraft.models.finetune import (
    IGNORE,
    FinetuneConfig,
    collate,
    deepspeed_config,
    epoch_shard,
    export_model,
    run_finetune,
    tokenize_examples,
)
from adcraft.settings import get_settings

COLOURS = ["red", "blue", "green", "black"]
ITEMS = ["rain jacket", "hiking boots", "tent", "backpack", "gloves", "hat", "poncho", "socks"]
EXAMPLES = [
    {"messages": [{"role": "user", "content": f"Write an ad for a {c} {item}."}],
     "completion": f"{c.title()} {item}: stay dry."}
    for c in COLOURS for item in ITEMS
]
FIRST_RUN_LOSSES = [10.2605, 8.9235]  # epochs 0 and 1
RESUMED_LOSS = 7.5910  # epoch 2, run after resuming from epoch 1's checkpoint
LORA_LOSSES = [10.6241, 10.1799, 10.0473, 9.9916]  # 4 epochs of LoRA on the random model


@pytest.fixture(scope="module")
def tokenizer():
    return AutoTokenizer.from_pretrained(get_settings().generator_model_dir,
                                         local_files_only=True)


def _cfg(model_dir, **overrides) -> FinetuneConfig:
    base = {"model_dir": str(model_dir), "epochs": 2, "batch_size": 4, "lr": 3e-3,
            "max_length": 64, "num_workers": 2, "seed": 7}
    return FinetuneConfig(**{**base, **overrides})


@pytest.fixture(scope="module")
def first_run(ray_local, tiny_model_dir, tmp_path_factory):
    storage = tmp_path_factory.mktemp("ray-results")
    cfg = _cfg(tiny_model_dir)
    return run_finetune(EXAMPLES, cfg, storage, "zero2"), cfg, storage


def test_deepspeed_config_follows_the_typed_config():
    ds = deepspeed_config(FinetuneConfig(model_dir="m", zero_stage=3, offload=True,
                                         batch_size=3, grad_accum=2, bf16=True))
    assert ds["train_micro_batch_size_per_gpu"] == 3 and ds["gradient_accumulation_steps"] == 2
    assert ds["zero_optimization"] == {"stage": 3, "offload_optimizer":
                                       {"device": "cpu", "pin_memory": False}}
    assert ds["optimizer"]["params"]["torch_adam"] is True
    assert ds["bf16"] == {"enabled": False}  # CPU trains in fp32
    assert deepspeed_config(FinetuneConfig(model_dir="m", use_gpu=True))["bf16"]["enabled"]
    assert "offload_optimizer" not in deepspeed_config(FinetuneConfig(model_dir="m"))[
        "zero_optimization"]
    with pytest.raises(ValueError):
        FinetuneConfig(model_dir="m", zero_stage=1)


def test_resuming_needs_a_run_to_resume(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing to resume"):
        run_finetune(EXAMPLES, FinetuneConfig(model_dir="m"), tmp_path, "never-ran",
                     resume=True)


def test_labels_cover_the_completion_only(tokenizer):
    [row] = tokenize_examples(tokenizer, EXAMPLES[:1], max_length=64)
    n_prompt = row["labels"].count(IGNORE)
    completion = tokenizer.decode(row["input_ids"][n_prompt:])
    assert completion == "Red rain jacket: stay dry." + tokenizer.eos_token
    assert row["labels"][n_prompt:] == row["input_ids"][n_prompt:]
    assert tokenizer.decode(row["input_ids"][:n_prompt]).endswith("<|im_start|>assistant\n")
    # too long: the prompt loses its start, the completion stays whole
    [short] = tokenize_examples(tokenizer, EXAMPLES[:1], max_length=16)
    assert len(short["input_ids"]) == 16 and short["labels"][-9:] == row["labels"][-9:]
    batch = collate([row, short], pad_id=tokenizer.pad_token_id)
    assert batch["input_ids"].shape == (2, len(row["input_ids"]))
    assert batch["attention_mask"][1].sum() == 16 and (batch["labels"][1, 16:] == IGNORE).all()


def test_epoch_shards_are_equal_disjoint_and_reshuffled():
    rows = list(range(33))
    shards = [epoch_shard(rows, 0, 7, rank, 2) for rank in range(2)]
    assert len(shards[0]) == len(shards[1]) == 16 and not set(shards[0]) & set(shards[1])
    assert epoch_shard(rows, 1, 7, 0, 2) != shards[0]


def test_loss_falls_and_each_epoch_is_checkpointed(first_run):
    result, cfg, storage = first_run
    m = result.metrics
    print("first run epoch losses", m["epoch_losses"], "step losses", m["step_losses"])
    assert m["epoch"] == 1 and m["steps"] == 4 and m["global_step"] == 8
    first, last = m["epoch_losses"]
    assert first > 9.5  # random init: about ln(49152) = 10.8
    assert last < first - 1.0
    # exact on this stack (2 gloo ranks, fp32, seeded): catches silent changes to the recipe
    assert m["epoch_losses"] == pytest.approx(FIRST_RUN_LOSSES, abs=1e-3)
    assert len(m["step_losses"]) == 4
    assert result.checkpoint is not None
    with result.checkpoint.as_directory() as folder:
        names = {p.name for p in Path(folder).rglob("*")}
    # rank 0's model states and both ranks' ZeRO optimizer partitions, merged by Ray
    assert {"latest", "mp_rank_00_model_states.pt", "zero_pp_rank_0_mp_rank_00_optim_states.pt",
            "zero_pp_rank_1_mp_rank_00_optim_states.pt"} <= names
    with pytest.raises(FileExistsError):  # no silent resume
        run_finetune(EXAMPLES, cfg, storage, "zero2")


@pytest.fixture(scope="module")
def resumed_run(first_run):
    """The first run taken on from its last checkpoint to a third epoch."""
    result, cfg, storage = first_run
    return run_finetune(EXAMPLES, cfg.model_copy(update={"epochs": 3}), storage, "zero2",
                        resume=True)


@pytest.fixture(scope="module")
def exported_dir(resumed_run, first_run, tmp_path_factory):
    return export_model(resumed_run.checkpoint, first_run[1],
                        tmp_path_factory.mktemp("exported") / "model")


def test_resume_continues_from_the_last_epoch(first_run, resumed_run):
    m = resumed_run.metrics
    print("resumed epoch losses", m["epoch_losses"])
    assert m["epoch"] == 2 and m["global_step"] == 12  # 2 epochs x 4 steps restored, + 4
    assert m["epoch_losses"][:2] == first_run[0].metrics["epoch_losses"]
    before, after = first_run[0].metrics["loss"], m["loss"]
    assert after < before  # picks up where it stopped, far from the random-init ~10.8
    assert after == pytest.approx(RESUMED_LOSS, abs=1e-3)


def _loss(model, tokenizer) -> float:
    batch = collate(tokenize_examples(tokenizer, EXAMPLES, 64), pad_id=tokenizer.pad_token_id)
    with torch.no_grad():
        return model(**batch).loss.item()


def test_export_gives_a_plain_model_that_loads_and_generates(exported_dir, tiny_model_dir):
    model = AutoModelForCausalLM.from_pretrained(exported_dir, local_files_only=True)
    tok = AutoTokenizer.from_pretrained(exported_dir, local_files_only=True)
    # the trained weights, not the starting ones: it fits the examples far better
    base = AutoModelForCausalLM.from_pretrained(tiny_model_dir, local_files_only=True)
    assert _loss(model, tok) < _loss(base, tok) - 2.0
    inputs = tok.apply_chat_template(EXAMPLES[0]["messages"], add_generation_prompt=True,
                                     return_tensors="pt", return_dict=True)
    tokens = model.generate(**inputs, max_new_tokens=6, do_sample=False)
    assert tokens.shape[1] > inputs["input_ids"].shape[1]


def test_lora_learns_and_exports_a_merged_model(ray_local, tiny_model_dir, tmp_path):
    # adapters on every linear layer, scaled up (alpha/r = 8): a 2-layer width-64 model
    # learns little through attention-only rank-8 adapters in 16 steps
    cfg = _cfg(tiny_model_dir, lora=True, lr=3e-3, lora_alpha=64, epochs=4,
               lora_target_modules=["q_proj", "k_proj", "v_proj", "o_proj",
                                    "gate_proj", "up_proj", "down_proj"])
    result = run_finetune(EXAMPLES, cfg, tmp_path / "ray-results", "lora")
    losses = result.metrics["epoch_losses"]
    print("lora epoch losses", losses)
    assert losses[-1] < losses[0] - 0.3
    assert losses == pytest.approx(LORA_LOSSES, abs=1e-3)

    out = export_model(result.checkpoint, cfg, tmp_path / "merged")
    merged = AutoModelForCausalLM.from_pretrained(out, local_files_only=True)
    base = AutoModelForCausalLM.from_pretrained(tiny_model_dir, local_files_only=True)
    assert not any("lora" in name for name in merged.state_dict())
    merged_sd, base_sd = merged.state_dict(), base.state_dict()
    q = "model.layers.0.self_attn.q_proj.weight"
    assert not torch.equal(merged_sd[q], base_sd[q])  # adapters merged into the weights
    for frozen in ("model.embed_tokens.weight", "model.norm.weight"):  # not LoRA targets
        assert torch.equal(merged_sd[frozen], base_sd[frozen])
    tok = AutoTokenizer.from_pretrained(out, local_files_only=True)
    assert _loss(merged, tok) < _loss(base, tok) - 0.3
