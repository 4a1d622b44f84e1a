using System.Net;
using ChatActors.Admin;
using Microsoft.AspNetCore.Http;

namespace ChatActors.Tests.Unit;

/// <summary>Who may change a node through its admin port: this machine, or a caller with the token.</summary>
public class AdminTokenSpecs
{
    private static readonly IResult Passed = TypedResults.Ok();

    [Theory]
    [InlineData("127.0.0.1", "", "s3cret", 200)]
    [InlineData("::1", "", "", 200)]
    [InlineData("10.231.0.12", "", "s3cret", 401)]
    [InlineData("10.231.0.12", "Bearer guess", "s3cret", 401)]
    [InlineData("10.231.0.12", "Bearer s3cret", "s3cret", 200)]
    [InlineData("10.231.0.12", "Bearer ", "", 403)]
    public async Task A_change_from_beyond_this_machine_needs_the_admin_token(string caller, string authorization, string token, int status)
    {
        var http = new DefaultHttpContext { Connection = { RemoteIpAddress = IPAddress.Parse(caller) } };
        if (authorization.Length > 0)
        {
            http.Request.Headers.Authorization = authorization;
        }

        var result = await new AdminToken(token).InvokeAsync(new DefaultEndpointFilterInvocationContext(http), _ => ValueTask.FromResult<object?>(Passed));

        Assert.Equal(status, result is IStatusCodeHttpResult { StatusCode: { } code } ? code : 0);
    }
}
