"""The five tutorial articles the reproductions answer, named once here (docs/articles.md says
what each built and reported). ``source`` reads after "by"; where an article's text gives no date
or link, they stay empty: unknown, never guessed."""

from graph_cnn.harness.spec import Article

BARTER = Article(
    "000", "Barter's TensorFlow CNN",
    "「Tensorflow」手把手CNN入门:手写数字识别 (a hands-on CNN introduction: handwritten digits)",
    "Stephen Barter (English original 'convolutional-neural-net-in-tensorflow'), translated "
    "into Chinese by Alibaba Cloud's Yunqi community, reposted on 龙空技术网")
JERRY_JY = Article(
    "001", "jerry-jy.co convnet",
    "基于卷积神经网络的手写数字识别 (handwritten digit recognition with a convnet)",
    "不懂开发的程序猿, the author of the blog (its convnet is listing 5.1 of F. Chollet's Deep Learning "
    "with Python)", "2024-04-25", "https://jerry-jy.co/ (the author's site)")
TF1_LENET5 = Article(
    "002", "TF1 LeNet-5 repost",
    "TensorFlow入门实例:实现LeNet5神经网络 (a TensorFlow starter example: LeNet-5)",
    "an unknown author (a repost whose disclaimer says so, on a page of Gofarsoft Co., Ltd.)")
KERAS_NOTES = Article(
    "003", "Keras notes 12",
    "深度学习笔记12_卷积神经网络 (deep learning notes 12: convolutional networks)",
    "an unknown author (study notes on Keras convnets, the same listing 5.1; no author or site "
    "named)")
PYTORCH_LENET = Article(
    "004", "PyTorch LeNet repost",
    "基于CNN模型的手写字符识别的分析与实现过程 (analysing and building handwritten character "
    "recognition with a CNN)",
    "an unknown author (a repost marked '网络整理' of a PyTorch, tensorboardX and Netron post, "
    "on 实验室设备网)", "2024-07-16")

ARTICLES = (BARTER, JERRY_JY, TF1_LENET5, KERAS_NOTES, PYTORCH_LENET)
