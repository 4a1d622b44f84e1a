using BenchmarkDotNet.Running;

// dotnet run -c Release --project src/ChatActors.MicroBench -- --filter '*'   (BenchmarkDotNet's own options)
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
