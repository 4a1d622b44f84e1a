using ChatActors.Tests.Support;
using Microsoft.Playwright;

namespace ChatActors.Tests.Integration;

/// <summary>
/// The dashboard in a real browser: Debian's Chromium (.ci/run installs it), driven by
/// Playwright with the system browser's path, never a downloaded one.
/// </summary>
public sealed class DashboardBrowserSpecs
{
    private const string Chromium = "/usr/bin/chromium";

    /// <summary>Where a run that is asked to saves its screenshot of the page (docs/dashboard.png is one).</summary>
    private const string ScreenshotVariable = "CHATACTORS_DASHBOARD_SCREENSHOT";

    [Fact]
    public async Task The_page_shows_the_servers_and_a_join_appears_within_2_s()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: .ci/run installs Debian's chromium package");
        var adminPort = NodeProcesses.FreeRange(1);
        await using var node = await TestNode.StartAsync(servers: 2, extraHocon: $"chat-actors.admin-port = {adminPort}");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            // This machine's closed network refuses Chromium's own background connections.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        await page.GotoAsync($"http://{node.AdminEndpoint}/");

        await Assertions.Expect(page.Locator("#servers tr[data-server='Server-1']")).ToContainTextAsync($"{node.ServerPorts[0]}");
        await Assertions.Expect(page.Locator("#servers tr[data-server='Server-2']")).ToContainTextAsync("0 / 100");
        await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("live");

        await using var ann = await ChatClient.JoinAsync(node.ServerPorts[1], "ann");
        var within2s = new LocatorAssertionsToContainTextOptions { Timeout = 2000 };
        await Assertions.Expect(page.Locator("#events")).ToContainTextAsync("ann joined Server-2", within2s);
        await Assertions.Expect(page.Locator("#servers tr[data-server='Server-2']")).ToContainTextAsync("1 / 100", within2s);
        await Assertions.Expect(page.Locator("#today")).ToHaveTextAsync("1", new LocatorAssertionsToHaveTextOptions { Timeout = 2000 });

        if (Environment.GetEnvironmentVariable(ScreenshotVariable) is { Length: > 0 } screenshot)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        }
    }
}
