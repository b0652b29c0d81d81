"""Fine-tune the copy generator with DeepSpeed ZeRO under Ray Train.

Ray's DeepSpeed example, adapted: `train_func` runs on every Ray worker, builds the model,
calls `deepspeed.initialize` with a config built from `FinetuneConfig`, trains on its shard
of the copy examples and, each epoch, saves a DeepSpeed checkpoint (every rank writes its
own part; Ray merges them into one folder) and reports it with the epoch's loss. A run
restarted under the same name resumes from its last checkpoint. `export_model` turns that
checkpoint into a plain Hugging Face folder (LoRA merged in).

A copy example is ``{"messages": [chat messages], "completion": "the copy"}``; the loss is
on the completion only. Examples are small, so they travel to the workers inside
``train_loop_config`` (pickled with it), not through Ray Data or the object store. Ray
and DeepSpeed are imported only inside functions, so importing this module starts nothing.
"""

from __future__ import annotations

import logging
import math
import os
import random
import tempfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from adcraft.settings import get_settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

log = logging.getLogger(__name__)

IGNORE = -100  # label value the loss skips (prompt tokens and padding)
CLIENT_STATE = "adcraft"  # key of our own state inside DeepSpeed's client_state


class FinetuneConfig(BaseModel):
    """Every knob of a fine-tuning run, with its default."""

    model_dir: str = Field(default_factory=lambda: str(get_settings().generator_model_dir),
                           description="local Hugging Face causal-LM folder (with tokenizer)")
    from_config: bool = Field(False, description="random weights from the folder's config "
                                                 "instead of its weights (tiny test models)")
    zero_stage: int = Field(2, ge=2, le=3, description="DeepSpeed ZeRO stage")
    offload: bool = Field(False, description="keep optimizer state on the CPU (ZeRO-Offload)")
    lora: bool = Field(False, description="train LoRA adapters instead of all weights")
    lora_r: int = Field(8, ge=1)
    lora_alpha: int = Field(16, ge=1)
    lora_dropout: float = Field(0.05, ge=0, lt=1)
    lora_target_modules: list[str] = Field(
        default_factory=lambda: ["q_proj", "k_proj", "v_proj", "o_proj"])
    lr: float = Field(2e-4, gt=0)
    weight_decay: float = Field(0.0, ge=0)
    gradient_clipping: float = Field(1.0, gt=0)
    epochs: int = Field(3, ge=1, description="total epochs; a resumed run goes on up to this")
    batch_size: int = Field(4, ge=1, description="examples per worker per micro-step")
    grad_accum: int = Field(1, ge=1, description="micro-steps per optimizer step")
    max_length: int = Field(256, ge=8, description="tokens per example, prompt + completion")
    bf16: bool = Field(True, description="bfloat16 training; applies on GPU only (CPU: fp32)")
    num_workers: int = Field(2, ge=1, description="Ray Train workers (data-parallel ranks)")
    use_gpu: bool = False
    max_steps_per_epoch: int | None = Field(None, ge=1, description="debug: cap micro-steps")
    seed: int = Field(default_factory=lambda: get_settings().seed)


def deepspeed_config(cfg: FinetuneConfig) -> dict[str, Any]:
    """The DeepSpeed config for `cfg` (the global batch size DeepSpeed derives itself)."""
    zero: dict[str, Any] = {"stage": cfg.zero_stage}
    if cfg.offload:
        zero["offload_optimizer"] = {"device": "cpu", "pin_memory": cfg.use_gpu}
    return {
        "train_micro_batch_size_per_gpu": cfg.batch_size,
        "gradient_accumulation_steps": cfg.grad_accum,
        "gradient_clipping": cfg.gradient_clipping,
        "zero_optimization": zero,
        # torch's AdamW needs no compiled op (FusedAdam ~55 s, CPUAdam ~68 s on CPU)...
        "optimizer": {"type": "AdamW", "params": {
            "lr": cfg.lr, "betas": [0.9, 0.999], "eps": 1e-8,
            "weight_decay": cfg.weight_decay, "torch_adam": True}},
        # ...which ZeRO-Offload refuses unless told it is meant
        "zero_force_ds_cpu_optimizer": False,
        "bf16": {"enabled": bool(cfg.bf16 and cfg.use_gpu)},
        "steps_per_print": 1_000_000_000,
        "wall_clock_breakdown": False,
    }


def tokenize_examples(tokenizer, examples: list[dict], max_length: int) -> list[dict]:
    """``{"input_ids", "labels"}`` per example: the chat prompt (with the assistant turn
    opened) then the completion and EOS; labels are IGNORE on the prompt. Too long: the
    completion keeps at least half the budget, the prompt loses its start."""
    out = []
    for example in examples:
        prompt_text = tokenizer.apply_chat_template(example["messages"], tokenize=False,
                                                    add_generation_prompt=True)
        prompt = tokenizer(prompt_text, add_special_tokens=False)["input_ids"]
        completion = tokenizer(example["completion"], add_special_tokens=False)["input_ids"]
        completion = completion + [tokenizer.eos_token_id]
        completion = completion[:max(max_length - len(prompt), max_length // 2)]
        prompt = prompt[len(prompt) - (max_length - len(completion)):] if (
            len(prompt) + len(completion) > max_length) else prompt
        out.append({"input_ids": prompt + completion,
                    "labels": [IGNORE] * len(prompt) + completion})
    return out


def collate(rows: list[dict], pad_id: int):
    """Right-padded tensors; padding is masked out of attention and loss."""
    import torch

    width = max(len(r["input_ids"]) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    labels = torch.full((len(rows), width), IGNORE, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, r in enumerate(rows):
        n = len(r["input_ids"])
        ids[i, :n] = torch.tensor(r["input_ids"])
        labels[i, :n] = torch.tensor(r["labels"])
        mask[i, :n] = 1
    return {"input_ids": ids, "attention_mask": mask, "labels": labels}


def _seed(seed: int) -> None:
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def build_model(cfg: FinetuneConfig):
    """The causal LM to train, LoRA-wrapped when asked (trainable parameters set)."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM

    if cfg.from_config:
        config = AutoConfig.from_pretrained(cfg.model_dir, local_files_only=True)
        model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    else:
        model = AutoModelForCausalLM.from_pretrained(cfg.model_dir, local_files_only=True,
                                                     dtype=torch.float32)
    if cfg.lora:
        from peft import LoraConfig, get_peft_model

        model = get_peft_model(model, LoraConfig(
            task_type="CAUSAL_LM", r=cfg.lora_r, lora_alpha=cfg.lora_alpha,
            lora_dropout=cfg.lora_dropout, target_modules=cfg.lora_target_modules))
    return model


def epoch_shard(rows: list, epoch: int, seed: int, rank: int, world: int) -> list:
    """This rank's rows for `epoch`: one seeded shuffle of all rows, dealt round-robin and
    cut to equal length (DeepSpeed's collectives hang if ranks take different steps)."""
    order = list(range(len(rows)))
    random.Random(seed * 1_000_003 + epoch).shuffle(order)
    per_rank = len(rows) // world
    return [rows[i] for i in order[rank::world][:per_rank]]


def train_func(config: dict) -> None:
    """One Ray Train worker. ``config``: ``cfg`` (a FinetuneConfig dump), ``examples`` and
    ``env`` (DeepSpeed's accelerator and op cache, set here rather than through a
    runtime_env so a worker needs nothing but the config)."""
    cfg = FinetuneConfig.model_validate(config["cfg"])
    os.environ.update(config["env"])  # before deepspeed is imported: it reads them once
    import deepspeed
    import ray.train
    import torch
    import torch.distributed as dist
    from transformers import AutoTokenizer

    context = ray.train.get_context()
    rank, world = context.get_world_rank(), context.get_world_size()
    _seed(cfg.seed)
    ds_config = deepspeed_config(cfg)
    tokenizer = AutoTokenizer.from_pretrained(cfg.model_dir, local_files_only=True)
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None \
        else tokenizer.eos_token_id
    rows = tokenize_examples(tokenizer, config["examples"], cfg.max_length)
    if len(rows) < world:
        raise ValueError(f"{len(rows)} examples for {world} workers")

    hf_ds_config = None
    if cfg.zero_stage == 3:  # makes from_pretrained/from_config build partitioned weights
        from transformers.integrations import HfDeepSpeedConfig

        hf_ds_config = HfDeepSpeedConfig(ds_config)  # noqa: F841  (must stay alive)
    model = build_model(cfg)
    engine, _, _, _ = deepspeed.initialize(
        model=model, model_parameters=[p for p in model.parameters() if p.requires_grad],
        config=ds_config)

    start_epoch, epoch_losses = 0, []
    checkpoint = ray.train.get_checkpoint()
    if checkpoint:
        with checkpoint.as_directory() as folder:
            loaded, client_state = engine.load_checkpoint(folder)
        if loaded is None or CLIENT_STATE not in client_state:
            raise RuntimeError(f"no DeepSpeed checkpoint of ours in {checkpoint.path}")
        state = client_state[CLIENT_STATE]
        start_epoch, epoch_losses = state["epoch"] + 1, list(state["epoch_losses"])
        log.info("rank %d resumed after epoch %d", rank, state["epoch"])

    for epoch in range(start_epoch, cfg.epochs):
        engine.train()
        shard = epoch_shard(rows, epoch, cfg.seed, rank, world)
        n_steps = math.ceil(len(shard) / cfg.batch_size)
        if cfg.max_steps_per_epoch:
            n_steps = min(n_steps, cfg.max_steps_per_epoch)
        step_losses = []
        for step in range(n_steps):
            batch = collate(shard[step * cfg.batch_size:(step + 1) * cfg.batch_size], pad_id)
            loss = engine(**{k: v.to(engine.device) for k, v in batch.items()}).loss
            engine.backward(loss)
            engine.step()
            step_losses.append(loss.detach().float().cpu())
        # every rank took n_steps, so one all-reduce averages each step over the ranks
        mean_steps = torch.stack(step_losses)
        dist.all_reduce(mean_steps)
        mean_steps = (mean_steps / world).tolist()
        epoch_losses.append(sum(mean_steps) / len(mean_steps))
        metrics = {"epoch": epoch, "loss": epoch_losses[-1], "steps": n_steps,
                   "global_step": engine.global_steps, "step_losses": mean_steps,
                   "epoch_losses": list(epoch_losses)}
        with tempfile.TemporaryDirectory() as tmp:
            engine.save_checkpoint(tmp, client_state={CLIENT_STATE: {
                "epoch": epoch, "epoch_losses": epoch_losses, "cfg": cfg.model_dump()}})
            ray.train.report(metrics, checkpoint=ray.train.Checkpoint.from_directory(tmp))
        if rank == 0:
            log.info("epoch %d: loss %.4f over %d steps", epoch, epoch_losses[-1], n_steps)


def torch_extensions_dir() -> Path:
    """Where DeepSpeed caches the ops it compiles (shm comm), shared by every run."""
    return (Path(get_settings().cache_dir) / "torch_extensions").resolve()


def run_finetune(examples: list[dict], cfg: FinetuneConfig, storage_path: str | Path,
                 name: str, resume: bool = False):
    """Train on `examples` with Ray Train + DeepSpeed; returns the `ray.train.Result`.

    Ray silently resumes a run whose folder exists, so that must be asked for: an
    existing ``storage_path/name`` without ``resume=True`` is an error, and so is
    ``resume=True`` with no such run.
    """
    import ray.train
    from ray.train.torch import TorchTrainer

    storage_path = Path(storage_path).resolve()
    run_dir = storage_path / name
    if run_dir.exists() and not resume:
        raise FileExistsError(f"{run_dir} exists: pass resume=True or choose another name")
    if resume and not run_dir.exists():
        raise FileNotFoundError(f"nothing to resume at {run_dir}")
    # workers may run elsewhere (another cwd, another node): give them absolute paths
    cfg = cfg.model_copy(update={"model_dir": str(Path(cfg.model_dir).resolve())})
    env = {"TORCH_EXTENSIONS_DIR": str(torch_extensions_dir()),
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    if not cfg.use_gpu:
        env["DS_ACCELERATOR"] = "cpu"
    trainer = TorchTrainer(
        train_func,
        train_loop_config={"cfg": cfg.model_dump(), "examples": list(examples), "env": env},
        scaling_config=ray.train.ScalingConfig(
            num_workers=cfg.num_workers, use_gpu=cfg.use_gpu,
            resources_per_worker=None if cfg.use_gpu else {"CPU": 1}),
        run_config=ray.train.RunConfig(
            name=name, storage_path=str(storage_path),
            failure_config=ray.train.FailureConfig(max_failures=2),
            checkpoint_config=ray.train.CheckpointConfig(num_to_keep=2)),
    )
    return trainer.fit()


def export_model(result_checkpoint, cfg: FinetuneConfig, out_dir: str | Path) -> Path:
    """A plain Hugging Face folder (weights, config, tokenizer) from a run's checkpoint
    (a `ray.train.Checkpoint` or a folder): ZeRO partitions consolidated to fp32 with
    DeepSpeed's zero_to_fp32, LoRA merged into the base weights."""
    from deepspeed.utils.zero_to_fp32 import get_fp32_state_dict_from_zero_checkpoint
    from transformers import AutoTokenizer, GenerationConfig

    out_dir = Path(out_dir)
    if isinstance(result_checkpoint, str | Path):
        state = get_fp32_state_dict_from_zero_checkpoint(str(result_checkpoint))
    else:
        with result_checkpoint.as_directory() as folder:
            state = get_fp32_state_dict_from_zero_checkpoint(folder)
    # the saved weights replace whatever the base had, so skip loading it (random init)
    model = build_model(cfg.model_copy(update={"from_config": True}))
    missing, unexpected = model.load_state_dict(state, strict=False)
    tied = {"lm_head.weight", "base_model.model.lm_head.weight"}
    if unexpected or set(missing) - tied:
        raise RuntimeError(f"checkpoint does not fit the model: missing {missing}, "
                           f"unexpected {unexpected}")
    if missing:
        model.tie_weights()
    if cfg.lora:
        model = model.merge_and_unload()
    if (Path(cfg.model_dir) / "generation_config.json").is_file():
        model.generation_config = GenerationConfig.from_pretrained(cfg.model_dir)
    model.save_pretrained(out_dir)
    AutoTokenizer.from_pretrained(cfg.model_dir, local_files_only=True).save_pretrained(out_dir)
    log.info("exported %s to %s", type(model).__name__, out_dir)
    return out_dir
