using ChatActors.Soak;

namespace ChatActors.Tests.Unit;

/// <summary>The soak's options for the fault run, as a user types them.</summary>
public class SoakOptionsSpecs
{
    [Fact]
    public void The_fault_run_takes_the_process_approach_a_seed_and_a_flag_without_a_value()
    {
        var options = SoakOptions.Parse(["--approach", "process", "--faults", "--seed", "7", "--clients", "2"], TextWriter.Null);

        Assert.NotNull(options);
        Assert.Equal(("process", true, 7, 2), (options.Approach, options.Faults, options.Seed, options.Clients));
    }

    [Fact]
    public void Faults_without_the_process_approach_are_refused_with_one_line()
    {
        var errors = new StringWriter();

        Assert.Null(SoakOptions.Parse(["--faults"], errors));
        Assert.Equal("soak: --faults breaks the nodes of a process cluster: give --approach process too", errors.ToString().Trim());
    }

    [Theory]
    [InlineData("--clients", "19", false)]
    [InlineData("--clients", "20", true)]
    public void The_one_node_soak_needs_twenty_clients(string option, string value, bool accepted)
    {
        Assert.Equal(accepted, SoakOptions.Parse([option, value], TextWriter.Null) is not null);
    }
}
