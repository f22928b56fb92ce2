"""`python -m seen.linkage.spark score | bench` (seen.linkage.spark.cli); spark-submit runs this
file as a script."""

from seen.linkage.spark.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
