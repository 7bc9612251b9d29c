"""Pages of the register of partnership activity."""
