"""Operations tooling (benchmarks); not part of the installed app."""
