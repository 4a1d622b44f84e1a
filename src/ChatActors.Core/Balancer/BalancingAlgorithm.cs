namespace ChatActors.Balancer;

public enum BalancingAlgorithm
{
    RoundRobin,
    LeastConnection,
}

public static class BalancingAlgorithms
{
    public const string RoundRobinName = "round robin";
    public const string LeastConnectionName = "least connection";

    public static bool TryParse(string? text, out BalancingAlgorithm algorithm)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case RoundRobinName:
                algorithm = BalancingAlgorithm.RoundRobin;
                return true;
            case LeastConnectionName:
                algorithm = BalancingAlgorithm.LeastConnection;
                return true;
            default:
                algorithm = default;
                return false;
        }
    }
}
