namespace ChatActors.Tests.Support;

/// <summary>
/// Specs that load the machine themselves (hundreds of clients on a process cluster) and promise
/// times a person would notice: beside another cluster's spec on two cores they measured the
/// other spec's load (in 2 of 4 full runs the counting stalled for minutes), so they run with
/// no other spec beside them.
/// </summary>
[CollectionDefinition(nameof(RunsAlone), DisableParallelization = true)]
public sealed class RunsAlone;
