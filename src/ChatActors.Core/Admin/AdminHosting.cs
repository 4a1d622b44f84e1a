using System.Diagnostics.Metrics;
using System.Net.Sockets;
using System.Reflection;
using Akka.Actor;
using Akka.Cluster;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using ChatActors.Hosting;
using ChatActors.Hosting.Settings;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace ChatActors.Admin;

/// <summary>
/// The node's admin port, served by its own host (Kestrel, minimal APIs): <c>/metrics</c> in
/// Prometheus' text format (OpenTelemetry), <c>/health/live</c> and <c>/health/ready</c>, and
/// the dashboard at <c>/</c> with its assets and its live feed (server-sent events).
/// </summary>
public static class AdminHosting
{
    private const string ReadyTag = "ready";

    /// <param name="listener">The admin port, already listening (<see cref="AdminPlan"/>).</param>
    public static WebApplicationBuilder CreateBuilder(Socket listener)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore()
            .ConfigureKestrel(kestrel => kestrel.Listen(listener.LocalEndPoint!))
            .UseSockets(sockets => sockets.CreateBoundListenSocket = _ => listener);
        builder.Services.AddRouting();
        builder.Services.AddHealthChecks().AddCheck<ReadinessCheck>("serving", tags: [ReadyTag]);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("chatactors"))
            .WithMetrics(metrics => metrics
            .AddMeter(ChatMetrics.MeterName)
            .AddRuntimeInstrumentation()
            .AddPrometheusExporter());
        builder.Services.ConfigureOpenTelemetryMeterProvider((services, metrics) => metrics.AddView(OfOtherNodes(services.GetRequiredService<IMeterFactory>())));
        builder.Services.AddSingleton(services => new DashboardFeed(() => ClusterPicture.Of(Cluster.Get(services.GetRequiredService<ActorSystem>()))));
        builder.Services.AddHostedService<DashboardService>();
        return builder;
    }

    /// <summary>
    /// OpenTelemetry picks meters by name, process-wide: where several nodes share a process (a
    /// test, a host that embeds ChatActors) each would count the others' clients too. Only the
    /// meters this node's own factory made are exported.
    /// </summary>
    private static Func<Instrument, MetricStreamConfiguration?> OfOtherNodes(IMeterFactory ownMeters) => instrument =>
        instrument.Meter.Name == ChatMetrics.MeterName && !ReferenceEquals(instrument.Meter.Scope, ownMeters) ? MetricStreamConfiguration.Drop : null;

    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        ClusterMetrics.Observe(app.Services.GetRequiredService<IMeterFactory>(), app.Services.GetRequiredService<ActorSystem>);
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag), ResponseWriter = WriteWhyAsync });
        app.MapGet("/", () => Asset("index.html", "text/html; charset=utf-8"));
        app.MapGet("/dashboard.js", () => Asset("dashboard.js", "text/javascript; charset=utf-8"));
        app.MapGet("/dashboard.css", () => Asset("dashboard.css", "text/css; charset=utf-8"));
        app.MapGet("/api/view", (DashboardFeed feed) => TypedResults.Ok(feed.Current()));
        app.MapGet("/api/events", (DashboardFeed feed, CancellationToken closed) => TypedResults.ServerSentEvents(feed.UpdatesAsync(closed)));
        app.MapPost("/drain", (NodeDrain drain, ChatSettings settings) =>
        {
            _ = drain.DrainAsync();
            return TypedResults.Text(
                $"draining: clients are told to connect again over {settings.Admin.DrainWindow.TotalSeconds} s, then the node leaves\n",
                statusCode: StatusCodes.Status202Accepted);
        }).AddEndpointFilter(new AdminToken(app.Services.GetRequiredService<ChatSettings>().Admin.Token));
        return app;
    }

    /// <summary><c>Healthy</c>, or <c>Unhealthy: </c> and why, so that an operator who asks sees the reason.</summary>
    private static Task WriteWhyAsync(HttpContext http, HealthReport report)
    {
        var why = report.Entries.Values.Where(entry => entry.Status != HealthStatus.Healthy).Select(entry => entry.Description).FirstOrDefault();
        http.Response.ContentType = "text/plain; charset=utf-8";
        return http.Response.WriteAsync(why is null ? report.Status.ToString() : $"{report.Status}: {why}");
    }

    /// <summary>A file of the dashboard, served from the node itself (no CDN).</summary>
    private static IResult Asset(string name, string contentType)
    {
        var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"dashboard/{name}")
            ?? throw new InvalidOperationException($"the dashboard's {name} is not in the assembly");
        return TypedResults.Stream(stream, contentType);
    }
}
