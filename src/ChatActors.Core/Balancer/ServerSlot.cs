namespace ChatActors.Balancer;

/// <summary>What the balancer knows of one server when it picks.</summary>
/// <param name="Connected">Clients connected to the server, as it last reported.</param>
/// <param name="Reserved">Addresses handed out recently whose client has not arrived yet.</param>
public sealed record ServerSlot(int Index, string Host, int Port, int Capacity, int Connected, int Reserved)
{
    public int Load => Connected + Reserved;

    public bool IsFull => Load >= Capacity;
}
