#!/usr/bin/env bash
# Train relation cross-encoder variants side by side on one GPU (the device tool), score each on the packed
# evaluation rows (the six-set `selection_mean` of lab.relation.score_rows among them), and leave one archive per
# run in $OUT (the tool brings back at most 8 files).
#
# Needs, made here beforehand (models/README.md, "The next GPU run"), from the repository root:
#   .devdata/minilm_base                      fp16 copy of the packaged MiniLM (python -m lab.relation.pack_data)
#   .devdata/relation_train_v4.jsonl.gz       the served model's wide pack + contrast pairs + one-word swaps + the
#                                             permissive nli-extra sets (pack_data --contrast-pairs A --contrast-pairs
#                                             B --extra permissive)
#   .devdata/relation_extra_anli.jsonl.gz     ANLI's test half, opt-in (python -m lab.datasets.extra_pairs anli_test)
#   .devdata/relation_eval.jsonl.gz           python -m lab.relation.pack_data --eval-out, with the word-swap dev
#                                             rows (lab.relation.word_swaps --dev-out) appended
# Each run trains for BUDGET seconds (the LR decay fitted to it), then calibrates, writes and scores.
# On CPU, as a smoke test: PYTHON=.venv/bin/python OUT=/tmp/out BUDGET=20 EXTRA="--limit 64 --threads 1" \
#   SCORE_EXTRA="--limit 16" bash lab/relation/train_gpu.sh
set -u
PY=${PYTHON:-python3}
: "${OUT:?set OUT to the folder that receives the archives}"
BUDGET=${BUDGET:-360}
BASE=.devdata/minilm_base
EVAL=.devdata/relation_eval.jsonl.gz
RUNS=${RUNS_DIR:-/tmp/relation_runs}

run() {
  local name=$1
  shift
  mkdir -p "$RUNS/$name"
  # shellcheck disable=SC2086  # EXTRA and SCORE_EXTRA are word lists
  { "$PY" -m lab.relation.train --base-model "$BASE" --out "$RUNS/$name" --time-budget "$BUDGET" --fit-budget \
      --epochs 30 --batch-size 64 --max-length 192 --log-every 200 "$@" ${EXTRA:-} \
    && "$PY" -m lab.relation.score_rows --model-dir "$RUNS/$name" --rows "$EVAL" --base-model "$BASE" \
      --out "$RUNS/$name/scores.json" ${SCORE_EXTRA:-}; } >"$RUNS/$name/log.txt" 2>&1
  echo "$name: exit $?"
  tar -C "$RUNS" -czf "$OUT/$name.tgz" "$name"
}

nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null || echo "no GPU: CPU smoke test"
DATA=.devdata/relation_train_v4.jsonl.gz
ANLI=.devdata/relation_extra_anli.jsonl.gz
run v4_r32 --data "$DATA" --lora-r 32 --lora-alpha 64 --lr 5e-4 &
run v4_r32_anli --data "$DATA" --extra-data "$ANLI" --lora-r 32 --lora-alpha 64 --lr 5e-4 &
run v4_continued --data "$DATA" --init-adapter models/relation_xenc --lora-r 32 --lora-alpha 64 --lr 2e-4 &
run v4_r64 --data "$DATA" --lora-r 64 --lora-alpha 128 --lr 4e-4 &
wait
grep -H '"selection_mean"' "$RUNS"/*/scores.json 2>/dev/null
