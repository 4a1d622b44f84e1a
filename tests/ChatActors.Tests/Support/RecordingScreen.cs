using ChatActors.Live;

namespace ChatActors.Tests.Support;

/// <summary>A live screen that keeps the newest model it was shown, for specs to look at.</summary>
public sealed class RecordingScreen : ILiveScreen
{
    private volatile LiveModel _model = LiveModel.Empty;

    public LiveModel Model => _model;

    public void Show(LiveModel model) => _model = model;
}
