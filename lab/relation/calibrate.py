"""Fit the cross-encoder's temperature for the int8 model the service serves, on the training run's calibration rows.

`lab.relation.train` fits `temperature` on the fp32 logits (on the GPU run: in fp32 there too). Quantising to int8
(`service.domain.relation.cross_encoder.quantize_int8`) moves the logits a little, so the service divides int8 logits by
`temperature_int8`, fitted here on the same calibration rows (FNC-1 Body ID % 10 == 5 and 10% of the NLI rows,
never trained on) from the packed data the run was trained on (its SHA-256 is checked against the manifest).
Writes `temperature_int8` and `calibration_int8` (ECE and NLL before and after, accuracy, macro-F1) into the
manifest. CPU, about 3 minutes on 2 threads:

    HF_HUB_OFFLINE=1 .venv/bin/python -m lab.relation.calibrate --model-dir models/relation_xenc \
        --data .devdata/relation_train_wide.jsonl.gz
"""
from __future__ import annotations

import argparse
import json
import logging
import pathlib
from collections.abc import Sequence

import numpy as np

from lab.paths import MODELS_DIR
from lab.relation.score_rows import pair_logits
from lab.relation.train import LABELS, expected_calibration_error, file_sha256, fit_temperature, read_rows, scores
from service.domain.relation.cross_encoder import load_peft_model, quantize_int8, softmax

log = logging.getLogger("calibrate_relation")


def calibrate_int8(model_dir: pathlib.Path, data: pathlib.Path, threads: int) -> dict[str, object]:
    """Fit and write `temperature_int8` into model_dir's manifest; return the calibration record."""
    import torch

    torch.set_num_threads(threads)
    manifest_path = model_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    trained_on = manifest.get("data", {}).get("sha256")
    if trained_on and file_sha256(data) != trained_on:
        raise ValueError(f"{data} is not the data {model_dir} was trained on (SHA-256 {trained_on})")
    rows = [row for row in read_rows(data) if row["split"] == "calibration"]
    model, tokenizer = load_peft_model(model_dir, None, bool(manifest.get("base_fp16_rounded", False)))
    logits = pair_logits(quantize_int8(model), tokenizer, [(r["claim"], r["other"]) for r in rows],
                         int(manifest["max_length"]), "cpu", 32)
    labels = np.array([LABELS.index(r["label"]) for r in rows])
    temperature = fit_temperature(logits, labels)
    fp32_temperature = float(manifest["temperature"])
    record = {
        "data": f"the calibration rows of {data.name} (SHA-256 checked against the manifest)",
        "pairs": len(rows),
        "temperature_fp32": fp32_temperature,
        "ece_with_fp32_temperature": expected_calibration_error(softmax(logits / fp32_temperature), labels),
        "ece_after": expected_calibration_error(softmax(logits / temperature), labels),
        **{k: v for k, v in scores(logits, labels, [r["source"] for r in rows]).items() if k != "nll"},
    }
    manifest["temperature_int8"] = temperature
    manifest["calibration_int8"] = record
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    log.info("temperature_int8 %.3f (fp32 %.3f): %s", temperature, fp32_temperature, record)
    return record


def main(argv: Sequence[str] | None = None) -> None:
    """Calibrate from the command line."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", type=pathlib.Path, default=MODELS_DIR / "relation_xenc")
    parser.add_argument("--data", type=pathlib.Path, required=True, help="the packed rows the model was trained on")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    calibrate_int8(args.model_dir, args.data, args.threads)


if __name__ == "__main__":
    main()
