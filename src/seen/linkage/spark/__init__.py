"""Score pairs with a trained linkage model on Spark: the engine for a national run.

The model is trained on DuckDB (`LinkageModel.train`) and saved as one JSON artefact; Spark
scores with the same artefact, unchanged, and gives the pairs `LinkageModel.predict` gives.

    from seen.linkage.spark.scoring import predict_with_spark
    from seen.linkage.spark.session import spark_session, stop_spark

    spark = spark_session()                              # local[2] here; see docs/scaling.md
    pairs = predict_with_spark(model.settings, prepared, threshold=0.1, spark=spark)
    stop_spark(spark)                                    # the session, its JVM and its temp folder

The modules, one job each:

- `session`: the Spark session (local or on a cluster) and stopping it with its JVM and its
  temporary folder.
- `translate`: the artefact's DuckDB SQL in Spark's dialect (sqlglot), refusing any function
  not known to behave the same on both engines (`UnsupportedSQL`).
- `similarity`: DuckDB's Jaro, Jaro-Winkler and Hamming as Spark SQL functions, to the last bit.
- `scoring`: scoring prepared records, into an Arrow table (`predict_with_spark`, what
  `seen link --engine spark` does) or a Spark DataFrame (`predict_spark_frame`).
- `cli`: `python -m seen.linkage.spark score | bench` (the national job; the comparison of the
  two engines).
"""
