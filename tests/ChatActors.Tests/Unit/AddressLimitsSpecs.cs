using System.Net;
using ChatActors.Balancer;

namespace ChatActors.Tests.Unit;

public class AddressLimitsSpecs
{
    private static readonly AddressLimits Limits = new(20, 50, 10, 30, ExemptLoopback: true);

    private static IPAddress? LimitedAddress(AddressLimits limits, string address) =>
        limits.LimitedAddress(new IPEndPoint(IPAddress.Parse(address), 40000));

    [Fact]
    public void An_IPv4_address_counts_as_itself_also_when_it_arrives_inside_IPv6()
    {
        Assert.Equal(IPAddress.Parse("203.0.113.7"), LimitedAddress(Limits, "203.0.113.7"));
        Assert.Equal(IPAddress.Parse("203.0.113.7"), LimitedAddress(Limits, "::ffff:203.0.113.7"));
    }

    [Fact]
    public void An_IPv6_address_counts_as_its_64_bit_network()
    {
        var network = IPAddress.Parse("2001:db8:1:2::");
        Assert.Equal(network, LimitedAddress(Limits, "2001:db8:1:2::1"));
        Assert.Equal(network, LimitedAddress(Limits, "2001:db8:1:2:ffff:ffff:ffff:ffff"));
        Assert.NotEqual(network, LimitedAddress(Limits, "2001:db8:1:3::1"));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.3.4.5")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public void Loopback_addresses_are_exempt_unless_the_setting_is_off(string loopback)
    {
        Assert.Null(LimitedAddress(Limits, loopback));
        Assert.NotNull(LimitedAddress(Limits with { ExemptLoopback = false }, loopback));
    }
}
