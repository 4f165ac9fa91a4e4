"""The files: YAML with positions, ledger files and their line-preserving edits, paths,
settings, locking and atomic writes, git.
"""
