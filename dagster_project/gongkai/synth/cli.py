"""``gongkai synth --departments N --years M --out DIR [--seed S] [--pdf] [--budgets]``."""

from __future__ import annotations

import argparse
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gongkai synth", description="Generate synthetic final-accounts reports "
                                     "(text dumps, optionally PDFs) with their truth JSON.")
    parser.add_argument("--departments", type=int, default=3)
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--pdf", action="store_true", help="also render each report to PDF (needs reportlab)")
    parser.add_argument("--budgets", action="store_true",
                        help="also write each final's budget of the same year, as PDF with its truth (needs reportlab)")
    args = parser.parse_args(argv)
    from gongkai.synth.generator import generate_corpus, truth_dir_for

    start = time.perf_counter()
    files = generate_corpus(args.out, departments=args.departments, years=args.years, seed=args.seed, pdf=args.pdf,
                            budgets=args.budgets)
    print(f"wrote {len(files)} reports to {args.out} (their truth to {truth_dir_for(args.out)}) in "
          f"{time.perf_counter() - start:.2f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
