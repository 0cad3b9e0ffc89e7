"""Unit results, rankings, emulation proposals and decisions (thi đua, khen thưởng)."""
