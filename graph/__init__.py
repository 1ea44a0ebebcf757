"""A knowledge graph of the national learning infrastructure of children's social care in England.

Built from the What Works Centre for Children's Social Care's report on its stakeholder
engagement (October 2017 - June 2018).
"""

__version__ = "0.1.0"
