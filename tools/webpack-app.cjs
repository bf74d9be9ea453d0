// One webpack setup for every app: a Node bundle of the app and its workspace libs (tsconfig path
// aliases resolved), with npm packages left external — they are installed beside the bundle.
// ts-loader only transpiles; type-checking is the typecheck target's job.
const path = require('node:path');
const nodeExternals = require('webpack-node-externals');
const { TsconfigPathsPlugin } = require('tsconfig-paths-webpack-plugin');

const root = path.join(__dirname, '..');

module.exports = function appWebpackConfig(appDir) {
  const tsconfig = path.join(appDir, 'tsconfig.app.json');
  return {
    mode: 'production',
    target: 'node',
    context: appDir,
    entry: { main: './src/main.ts' },
    output: { path: path.join(root, 'dist', path.relative(root, appDir)), filename: '[name].js', clean: true },
    devtool: 'source-map',
    optimization: { minimize: false },
    externalsPresets: { node: true },
    externals: [nodeExternals({ modulesDir: path.join(root, 'node_modules') })],
    resolve: { extensions: ['.ts', '.js', '.json'], plugins: [new TsconfigPathsPlugin({ configFile: tsconfig, baseUrl: root })] },
    module: {
      rules: [{ test: /\.ts$/, loader: 'ts-loader', options: { configFile: tsconfig, transpileOnly: true }, exclude: /node_modules/ }],
    },
    stats: 'errors-warnings',
  };
};
