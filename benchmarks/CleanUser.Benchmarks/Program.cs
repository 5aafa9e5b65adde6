using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/CleanUser.Benchmarks -- --filter '*'
// Results and how to read them: docs/benchmarks.md.
BenchmarkSwitcher.FromAssembly(typeof(CleanUser.Benchmarks.PatchPipelineBenchmarks).Assembly).Run(args);
