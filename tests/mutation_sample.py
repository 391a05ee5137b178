"""`make mutation MUTATION_SAMPLE=N`: the mutation score of N mutants drawn at random from every
module `[mutmut]` in setup.cfg lists, when the whole run (some 3,600 mutants) would take many
hours. The draw is the same for the same seed (MUTATION_SEED), so a run can be repeated after
a fix; the score is printed with its 95% interval, and every surviving mutant is listed.
MUTATION_CHILDREN sets how many mutants run at once (default: one per core).

Run from the project's root: `python tests/mutation_sample.py N [SEED]`.
"""

from __future__ import annotations

import math
import os
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

MUTMUT = str(Path(sys.executable).with_name("mutmut"))
KILLED = {"killed", "timeout"}
COUNTED = KILLED | {"survived", "no tests"}


def generate() -> None:
    """Writes the mutants into mutants/ (what `mutmut run` does first) without running any."""
    from mutmut.__main__ import create_mutants, store_lines_covered_by_tests
    from mutmut.mutation.trampoline import set_mutant_under_test
    from mutmut.utils.file_utils import copy_also_copy_files, copy_src_dir, setup_source_paths

    set_mutant_under_test("mutant_generation")
    Path("mutants").mkdir(exist_ok=True)
    copy_src_dir()
    copy_also_copy_files()
    setup_source_paths()
    store_lines_covered_by_tests()
    create_mutants(2)


def statuses() -> dict[str, str]:
    """Every mutant's name and its status ("not checked" until it ran)."""
    listing = subprocess.run(
        [MUTMUT, "results", "--all", "true"], capture_output=True, text=True, check=True
    ).stdout
    found = {}
    for line in listing.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if name:
            found[name] = status
    return found


def interval(killed: int, tried: int) -> tuple[float, float]:
    """Wilson's 95% interval of the share killed."""
    if not tried:
        return 0.0, 1.0
    z, share = 1.96, killed / tried
    centre = (share + z * z / (2 * tried)) / (1 + z * z / tried)
    spread = z * math.sqrt(share * (1 - share) / tried + z * z / (4 * tried * tried))
    spread /= 1 + z * z / tried
    return centre - spread, centre + spread


def main(size: int, seed: int) -> int:
    generate()
    names = sorted(statuses())
    sample = sorted(random.Random(seed).sample(names, min(size, len(names))))
    print(f"{len(sample)} of {len(names)} mutants drawn (seed {seed})", flush=True)
    children = os.environ.get("MUTATION_CHILDREN", str(os.cpu_count() or 2))
    subprocess.run([MUTMUT, "run", "--max-children", children, *sample], check=False)
    found = statuses()
    results = {name: found.get(name, "not checked") for name in sample}
    tried = [name for name in sample if results[name] in COUNTED]
    killed = sum(results[name] in KILLED for name in tried)
    for name in sample:
        if results[name] not in KILLED:
            print(f"    {name}: {results[name]}")
    by_module = Counter(name.split(".x")[0] for name in tried)
    print("tried per module:", ", ".join(f"{m} {n}" for m, n in sorted(by_module.items())))
    low, high = interval(killed, len(tried))
    print(
        f"mutation score of the sample: {killed}/{len(tried)} killed"
        f" ({100 * killed / max(len(tried), 1):.1f}%,"
        f" 95% interval {100 * low:.1f}-{100 * high:.1f}%)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 24))
