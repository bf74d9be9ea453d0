// The web client's entry: the components register themselves; index.html holds <parley-app>.
import './app-shell';
