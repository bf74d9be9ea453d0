module.exports = require('../../tools/webpack-app.cjs')(__dirname);
