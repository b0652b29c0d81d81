"""Training throughput of the generator's DeepSpeed step: tokens/s and model-FLOPs
utilisation (MFU), for SmolLM2-135M's architecture and a larger one, in one run.

    python -m bench.finetune_throughput                 # GPU: bf16, ZeRO-2
    python -m bench.finetune_throughput --sizes tiny --seq-len 64 --steps 3   # CPU smoke

It runs exactly what a Ray Train worker runs per step (`finetune.build_model`,
`finetune.deepspeed_config`, `deepspeed.initialize`, forward, backward, step) in one
process, so it needs no Ray cluster; weights are random (`from_config`), which changes
nothing about speed. MFU counts 6 x parameters + attention FLOPs per token against the
GPU's dense bf16 peak (--peak-tflops; 989 for an H100 SXM).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from adcraft.models.finetune import FinetuneConfig, build_model, deepspeed_config
from adcraft.settings import get_settings

# Llama shapes: SmolLM2-135M as shipped; SmolLM2-1.7B's published shape; a tiny one
SIZES = {
    "tiny": {"hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2,
             "num_attention_heads": 2, "num_key_value_heads": 2},
    "135m": {},  # the folder's own config
    "1.7b": {"hidden_size": 2048, "intermediate_size": 8192, "num_hidden_layers": 24,
             "num_attention_heads": 32, "num_key_value_heads": 32},
}


def sized_folder(base: Path, size: str, out: Path) -> Path:
    """A model folder holding only a config (and the tokenizer) of the given shape."""
    from transformers import AutoConfig

    config = AutoConfig.from_pretrained(base, local_files_only=True)
    for key, value in SIZES[size].items():
        setattr(config, key, value)
    config.max_position_embeddings = max(config.max_position_embeddings, 4096)
    config.save_pretrained(out)
    return out


def measure(folder: Path, args: argparse.Namespace, use_gpu: bool) -> dict:
    import deepspeed
    import torch

    cfg = FinetuneConfig(model_dir=str(folder), from_config=True, zero_stage=args.zero_stage,
                         lora=args.lora, batch_size=args.batch_size, use_gpu=use_gpu,
                         num_workers=1)
    model = build_model(cfg)
    n_params = sum(p.numel() for p in model.parameters())
    engine, *_ = deepspeed.initialize(model=model, config=deepspeed_config(cfg), model_parameters=[
        p for p in model.parameters() if p.requires_grad])
    c = model.config
    vocab = c.vocab_size
    ids = torch.randint(0, vocab, (args.batch_size, args.seq_len), device=engine.device)
    sync = torch.cuda.synchronize if use_gpu else (lambda: None)
    for step in range(args.warmup + args.steps):
        if step == args.warmup:
            sync()
            started = time.perf_counter()
        loss = engine(input_ids=ids, labels=ids).loss
        engine.backward(loss)
        engine.step()
    sync()
    seconds = time.perf_counter() - started
    tokens_s = args.batch_size * args.seq_len * args.steps / seconds
    # per token: 6N for the matmuls (forward 2N, backward 4N) + attention scores, 12 L h s
    flops_token = 6 * n_params + 12 * c.num_hidden_layers * c.hidden_size * args.seq_len
    mfu = tokens_s * flops_token / (args.peak_tflops * 1e12) if use_gpu else float("nan")
    memory = torch.cuda.max_memory_allocated() / 2**30 if use_gpu else float("nan")
    engine.destroy()
    return {"params_m": n_params / 1e6, "tokens_per_s": tokens_s, "mfu": mfu,
            "step_s": seconds / args.steps, "peak_memory_gib": memory,
            "final_loss": float(loss)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model-dir", default=str(get_settings().generator_model_dir),
                   help="folder with the base config and tokenizer")
    p.add_argument("--sizes", default="135m,1.7b", help=f"comma list of {sorted(SIZES)}")
    p.add_argument("--seq-len", type=int, default=512)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--zero-stage", type=int, choices=[2, 3], default=2)
    p.add_argument("--lora", action="store_true")
    p.add_argument("--peak-tflops", type=float, default=989.0,
                   help="dense bf16 peak of the GPU (H100 SXM 989, H200 989)")
    p.add_argument("--json", help="also write the results here")
    args = p.parse_args()

    import torch

    use_gpu = torch.cuda.is_available()
    if not use_gpu:
        os.environ.setdefault("DS_ACCELERATOR", "cpu")
    os.environ.update({"RANK": "0", "LOCAL_RANK": "0", "WORLD_SIZE": "1",
                       "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": os.environ.get(
                           "MASTER_PORT", "29533")})
    import deepspeed

    deepspeed.init_distributed(dist_backend="nccl" if use_gpu else "gloo")
    device = torch.cuda.get_device_name() if use_gpu else "CPU"
    results = {}
    print(f"device: {device}; seq {args.seq_len} x batch {args.batch_size}, ZeRO-"
          f"{args.zero_stage}{', LoRA' if args.lora else ''}, "
          f"{'bf16' if use_gpu else 'fp32'}")
    for size in args.sizes.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            folder = sized_folder(Path(args.model_dir), size, Path(tmp))
            results[size] = measure(folder, args, use_gpu)
        r = results[size]
        print(f"  {size:>5}: {r['params_m']:8.1f}M params  {r['tokens_per_s']:10,.0f} tokens/s  "
              f"MFU {r['mfu']:6.1%}  step {r['step_s'] * 1000:7.1f} ms  "
              f"peak memory {r['peak_memory_gib']:5.1f} GiB", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps({"device": device, "args": vars(args),
                                               "results": results}, indent=1))


if __name__ == "__main__":
    main()
