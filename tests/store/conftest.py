"""Fixtures of the store tests: small generated corpora (no reference corpus needed)."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest

_PHRASES = (
    "维护国家安全", "加强网络安全和数据安全保护", "人工智能安全风险", "巩固国防",
    "推动人工智能产业发展", "保障人民生命财产安全", "防范化解重大风险", "完善安全评估制度",
    "促进经济社会发展", "提升公共服务水平", "强化技术攻关", "建设智慧城市",
)


def write_corpus(folder: Path, n: int, seed: int = 0, sentences: int = 6) -> list[Path]:
    """Write ``n`` small Chinese documents ``doc-000.txt`` ... (deterministic)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        body = "。".join(
            "，".join(rng.choice(_PHRASES) for _ in range(rng.randint(1, 4)))
            for _ in range(sentences)) + "。"
        path = folder / f"doc-{i:03d}.txt"
        path.write_text(f"第{i}号文件\n{body}\n", encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture()
def make_corpus() -> Callable[..., list[Path]]:
    """The corpus writer (``make_corpus(folder, n, seed=0)``)."""
    return write_corpus
