// zra_bench_micro: the hot functions of the local pipeline, one benchmark each (docs/performance.md).
#include <benchmark/benchmark.h>

BENCHMARK_MAIN();
