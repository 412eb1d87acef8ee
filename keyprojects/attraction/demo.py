"""Demo data of attraction (filled in below)."""


def seed_attraction(*args, **kwargs):
    return None
