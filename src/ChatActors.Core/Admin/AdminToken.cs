using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace ChatActors.Admin;

/// <summary>
/// Guards the admin requests that change something: from this machine they are let through;
/// from beyond it only with <c>Authorization: Bearer TOKEN</c> (admin-token), and never when no
/// token is set. Reads stay open.
/// </summary>
public sealed class AdminToken(string token) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.Connection.RemoteIpAddress is { } caller && IPAddress.IsLoopback(caller))
        {
            return next(context);
        }

        if (token.Length == 0)
        {
            return ValueTask.FromResult<object?>(TypedResults.Text("this node takes no changes from beyond its machine: set admin-token (-AdminToken)\n", statusCode: StatusCodes.Status403Forbidden));
        }

        var given = Encoding.UTF8.GetBytes(http.Request.Headers.Authorization.ToString());
        return CryptographicOperations.FixedTimeEquals(given, Encoding.UTF8.GetBytes($"Bearer {token}"))
            ? next(context)
            : ValueTask.FromResult<object?>(TypedResults.Text("a change needs \"Authorization: Bearer TOKEN\" with this node's admin-token\n", statusCode: StatusCodes.Status401Unauthorized));
    }
}
