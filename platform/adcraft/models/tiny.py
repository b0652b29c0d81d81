"""A tiny causal LM for tests and scale benches: a randomly initialised 2-layer Llama
(width 64) with a real tokenizer and its chat template, saved as a normal model folder.
It trains in seconds and generates fast; what it writes is noise the gate rejects."""

from __future__ import annotations

from pathlib import Path


def tiny_causal_lm(folder: str | Path, tokenizer_dir: str | Path, seed: int = 0) -> Path:
    import torch
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    folder = Path(folder)
    tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir, local_files_only=True)
    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
        num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=512,
        tie_word_embeddings=True, bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
    LlamaForCausalLM(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
