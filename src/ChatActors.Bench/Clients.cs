namespace ChatActors.Bench;

public static class Clients
{
    /// <summary>
    /// Connects <paramref name="count"/> clients, <paramref name="batch"/> at a time concurrently,
    /// and hands each to <paramref name="connected"/> (one at a time, in order) as its batch is done.
    /// </summary>
    public static async Task ConnectAsync(int count, Func<int, Task<LoadConnection>> connect, Action<int, LoadConnection> connected, int batch = 100)
    {
        for (var first = 0; first < count; first += batch)
        {
            var indexes = Enumerable.Range(first, Math.Min(batch, count - first)).ToArray();
            var connections = await Task.WhenAll(indexes.Select(connect));
            for (var i = 0; i < indexes.Length; i++)
            {
                connected(indexes[i], connections[i]);
            }
        }
    }
}
