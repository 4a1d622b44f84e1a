using System.Diagnostics.Metrics;
using ChatActors.Admin;
using Microsoft.Extensions.DependencyInjection;

namespace ChatActors.Tests.Support;

/// <summary>The node's instruments for an actor under test, on a meter factory of their own.</summary>
public static class TestMetrics
{
    public static ChatMetrics Create() =>
        new(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());
}
