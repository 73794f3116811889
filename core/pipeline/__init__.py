"""The analysis pipeline: `analyze` (analysis.py) runs the stages, one module each."""
from core.pipeline.analysis import analyze

__all__ = ["analyze"]
