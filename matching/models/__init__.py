"""Match runs, proposals, commitments, partnerships, progress reports and their history."""

from matching.models.comments import Comment
from matching.models.history import StateChange
from matching.models.partnerships import Partner, Partnership, ProgressReport
from matching.models.proposals import Commitment, Proposal, ProposalLine
from matching.models.runs import MatchRun

__all__ = [
    "Comment",
    "Commitment",
    "MatchRun",
    "Partner",
    "Partnership",
    "ProgressReport",
    "Proposal",
    "ProposalLine",
    "StateChange",
]
