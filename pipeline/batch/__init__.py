"""Per-commune batches: one plan per commune of a roster, in parallel, incrementally."""

from pipeline.batch.plan import Failure, Job, Plan, plan_batch
from pipeline.batch.run import (
    BatchInterrupted,
    BatchOptions,
    BatchReport,
    Progress,
    run_batch,
    trial_batch,
)

__all__ = [
    "BatchInterrupted",
    "BatchOptions",
    "BatchReport",
    "Failure",
    "Job",
    "Plan",
    "Progress",
    "plan_batch",
    "run_batch",
    "trial_batch",
]
