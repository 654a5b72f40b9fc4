using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(AgentFlow.PermissionBench.PermissionDecisionBenchmark).Assembly).Run(args);
