package seen.spark;

import org.apache.spark.sql.api.java.UDF2;

/**
 * DuckDB's jaro_similarity, jaro_winkler_similarity and hamming as compiled Spark UDFs, to the
 * last bit: the same algorithm (the rapidfuzz one DuckDB bundles) on the same units (Unicode
 * code points) with the same floating-point operations in the same order. Spark calls them as
 * seen_jaro, seen_jaro_winkler and seen_hamming (seen.linkage.spark.similarity registers them).
 */
public final class SeenSimilarity {
  private SeenSimilarity() {}

  /** Jaro similarity of two code-point arrays; see seen.linkage.spark.similarity._jaro_sql. */
  static double jaro(int[] p, int[] t) {
    int lp = p.length;
    int lt = t.length;
    if (java.util.Arrays.equals(p, t)) {
      return lp == 0 ? 0.0 : 1.0;
    }
    if (lp == 0 || lt == 0 || (lp == 1 && lt == 1)) {
      return 0.0;
    }
    int bound = Math.max(lp, lt) / 2 - 1;
    boolean[] taken = new boolean[lp];
    int[] matchedT = new int[lt];
    int m = 0;
    for (int j = 0; j < lt; j++) {
      int lo = Math.max(0, j - bound);
      int hi = Math.min(lp - 1, j + bound);
      for (int i = lo; i <= hi; i++) {
        if (!taken[i] && p[i] == t[j]) {
          taken[i] = true;
          matchedT[m++] = t[j];
          break;
        }
      }
    }
    if (m == 0) {
      return 0.0;
    }
    int differing = 0;
    int k = 0;
    for (int i = 0; i < lp; i++) {
      if (taken[i]) {
        if (p[i] != matchedT[k]) {
          differing++;
        }
        k++;
      }
    }
    int transpositions = differing / 2;
    double md = m;
    return ((md / lp + md / lt) + (double) (m - transpositions) / m) / 3.0;
  }

  static double jaroWinkler(int[] p, int[] t, boolean fused) {
    double s = jaro(p, t);
    if (!(s > 0.7)) {
      return s;
    }
    int shorter = Math.min(Math.min(p.length, t.length), 4);
    int prefix = 0;
    while (prefix < shorter && p[prefix] == t[prefix]) {
      prefix++;
    }
    double weight = prefix * 0.1;
    return fused ? Math.fma(weight, 1.0 - s, s) : s + weight * (1.0 - s);
  }

  static Integer hamming(int[] a, int[] b) {
    if (a.length != b.length || a.length == 0) {
      return null;
    }
    int differing = 0;
    for (int i = 0; i < a.length; i++) {
      if (a[i] != b[i]) {
        differing++;
      }
    }
    return differing;
  }

  /** seen_jaro(p, t). */
  public static final class Jaro implements UDF2<String, String, Double> {
    @Override
    public Double call(String p, String t) {
      return p == null || t == null ? null : jaro(p.codePoints().toArray(), t.codePoints().toArray());
    }
  }

  /** seen_jaro_winkler(p, t) where DuckDB adds the prefix boost as one fused multiply-add. */
  public static final class JaroWinklerFused implements UDF2<String, String, Double> {
    @Override
    public Double call(String p, String t) {
      return p == null || t == null
          ? null
          : jaroWinkler(p.codePoints().toArray(), t.codePoints().toArray(), true);
    }
  }

  /** seen_jaro_winkler(p, t) where DuckDB rounds the product and the sum separately. */
  public static final class JaroWinklerPlain implements UDF2<String, String, Double> {
    @Override
    public Double call(String p, String t) {
      return p == null || t == null
          ? null
          : jaroWinkler(p.codePoints().toArray(), t.codePoints().toArray(), false);
    }
  }

  /** seen_hamming(a, b): NULL for strings of different or no length (DuckDB raises). */
  public static final class Hamming implements UDF2<String, String, Integer> {
    @Override
    public Integer call(String a, String b) {
      return a == null || b == null ? null : hamming(a.codePoints().toArray(), b.codePoints().toArray());
    }
  }
}
