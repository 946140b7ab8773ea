"""Reports for people who do not read code, from the same evidence as everything else."""
