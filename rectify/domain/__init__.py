"""The domain: models, the state machine, sign-off and check rules, the figures.

Pure: no files, no clock, no printing; "today" is passed in.
"""
