using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ChatActors.Hosting;

/// <summary>
/// How signals end a node: Ctrl+C (SIGINT) and SIGQUIT stop it at once, as they always did;
/// SIGTERM, what an orchestrator or <c>kill</c> sends to take a node out, drains it first (<see cref="NodeDrain"/>).
/// </summary>
/// <param name="services">Where the drain is found when SIGTERM comes: the host makes its lifetime before the actor system, which the drain needs.</param>
public sealed class ChatNodeLifetime(IHostApplicationLifetime lifetime, IServiceProvider services) : IHostLifetime, IDisposable
{
    private readonly List<PosixSignalRegistration> _signals = [];

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        _signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop));
        _signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGQUIT, Stop));
        _signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            _ = services.GetRequiredService<NodeDrain>().DrainAsync();
        }));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _signals.ForEach(signal => signal.Dispose());

    private void Stop(PosixSignalContext context)
    {
        context.Cancel = true;
        lifetime.StopApplication();
    }
}
