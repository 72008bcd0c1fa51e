"""A stand-in for ptychodus v1.2's API, written from specs/ptychodus-contract.md §1 (names, fields,
shapes and units), for testing the PtychoPINN library without ptychodus (which Debian lacks)."""
